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
