namespace NestedHvDashboard.Simulator.State;

/// <summary>How a cmdlet reaches its host: the in-process object, or the state file.</summary>
internal abstract class HostAccess
{
    public abstract T Read<T>(Func<SimulatedHost, T> read);

    public abstract T Update<T>(Func<SimulatedHost, T> change);
}

internal sealed class InMemoryHostAccess(SimulatedHost host) : HostAccess
{
    public override T Read<T>(Func<SimulatedHost, T> read) => host.Read(read);

    public override T Update<T>(Func<SimulatedHost, T> change) => host.Update(change);
}

internal sealed class FileHostAccess(string path) : HostAccess
{
    public override T Read<T>(Func<SimulatedHost, T> read) =>
        HostStateFile.WithExclusiveLock(path, createIfMissing: false, stream => read(SimulatedHost.FromJson(HostStateFile.ReadAll(stream))));

    public override T Update<T>(Func<SimulatedHost, T> change) =>
        HostStateFile.WithExclusiveLock(path, createIfMissing: false, stream =>
        {
            var host = SimulatedHost.FromJson(HostStateFile.ReadAll(stream));
            var result = change(host);
            HostStateFile.Write(stream, host.ToJson());
            return result;
        });
}

/// <summary>
/// A guest's OS in file-backed mode: the guest's simulated host is the <see cref="SimulatedGuest.Host"/> of its VM in the
/// host's state file (the same model the in-process guest uses), read and written under the state file's lock.
/// </summary>
internal sealed class GuestFileHostAccess(string path, Guid vmId) : HostAccess
{
    public override T Read<T>(Func<SimulatedHost, T> read) =>
        HostStateFile.WithExclusiveLock(path, createIfMissing: false, stream => read(GuestOf(SimulatedHost.FromJson(HostStateFile.ReadAll(stream)))));

    public override T Update<T>(Func<SimulatedHost, T> change) =>
        HostStateFile.WithExclusiveLock(path, createIfMissing: false, stream =>
        {
            var host = SimulatedHost.FromJson(HostStateFile.ReadAll(stream));
            var result = change(GuestOf(host));
            HostStateFile.Write(stream, host.ToJson());
            return result;
        });

    private SimulatedHost GuestOf(SimulatedHost host) =>
        host.Vms.Find(v => v.Id == vmId)?.Guest?.Host
            ?? throw new InvalidOperationException($"The simulated VM {vmId} or its guest is no longer in the state file '{path}'.");
}
