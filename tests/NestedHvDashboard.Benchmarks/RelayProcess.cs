using System.Diagnostics;
using System.Globalization;

namespace NestedHvDashboard.Benchmarks;

/// <summary>The benchmark's side of <see cref="RelayServer"/>: a child process of this executable, ended by its pid.</summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private RelayProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public static RelayProcess Start()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable.");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(RelayProcess).Assembly.Location);
        }

        start.ArgumentList.Add("relay");
        return new RelayProcess(Process.Start(start) ?? throw new InvalidOperationException("The relay process did not start."));
    }

    /// <summary>A new relay to 127.0.0.1:<paramref name="port"/>; returns the port to connect to instead.</summary>
    public async Task<int> RelayToAsync(int port) =>
        int.Parse(await AskAsync(string.Create(CultureInfo.InvariantCulture, $"to {port}"), "port"), CultureInfo.InvariantCulture);

    /// <summary>Sets every relay's added round-trip time (for data read from now on).</summary>
    public Task SetRoundTripAsync(TimeSpan roundTrip) =>
        AskAsync(string.Create(CultureInfo.InvariantCulture, $"rtt {roundTrip.TotalMilliseconds}"), "ok");

    /// <summary>Bytes the relays have forwarded so far, both directions.</summary>
    public async Task<long> ForwardedBytesAsync() =>
        long.Parse(await AskAsync("bytes", "bytes"), CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("exit");
            await _process.StandardInput.FlushAsync();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is IOException or TimeoutException or InvalidOperationException)
        {
            _process.Kill(); // this process only: it started no children
        }

        _process.Dispose();
    }

    private async Task<string> AskAsync(string command, string word)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(Patience)
            ?? throw new InvalidOperationException($"The relay process ended before answering '{command}'.");
        return line.StartsWith(word + " ", StringComparison.Ordinal) || line == word
            ? line[word.Length..].Trim()
            : throw new InvalidOperationException($"The relay process answered '{line}' to '{command}'.");
    }
}
