using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation.Remoting;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.PowerShell;

/// <summary>
/// PowerShell's SSH transport prints ssh's own error text to the console and reports only that
/// "the SSH transport process has abruptly terminated". When opening fails, this runs ssh once
/// more with the very same options (strict host keys, the key, the subsystem) and stdin closed,
/// and returns what ssh said, e.g. "Permission denied (publickey)" or "Host key verification failed".
/// </summary>
internal static class SshDiagnosis
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static async Task<Exception> ExplainAsync(HostConnectionSettings settings, Exception failure)
    {
        if (failure is not PSRemotingTransportException)
        {
            return failure;
        }

        try
        {
            var said = await RunSshAsync(settings).ConfigureAwait(false);
            return said is { Length: > 0 } ? new PSRemotingTransportException($"{failure.Message} ssh: {said}", failure) : failure;
        }
        catch (Exception)
        {
            // No ssh to ask, or it did not answer: the transport's own error is all there is.
            return failure;
        }
    }

    private static async Task<string> RunSshAsync(HostConnectionSettings settings)
    {
        var start = new ProcessStartInfo("ssh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-l");
        start.ArgumentList.Add(settings.UserName ?? Environment.UserName);
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add((settings.Port ?? 22).ToString(CultureInfo.InvariantCulture));
        if (settings.KeyFilePath is { Length: > 0 } key)
        {
            start.ArgumentList.Add("-i");
            start.ArgumentList.Add(key);
        }

        foreach (DictionaryEntry option in RemoteConnections.SshOptions(settings))
        {
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add($"{option.Key}={option.Value}");
        }

        start.ArgumentList.Add("-o");
        start.ArgumentList.Add($"ConnectTimeout={(int)Math.Ceiling(Limit.TotalSeconds)}");
        start.ArgumentList.Add("-s");
        start.ArgumentList.Add(settings.Address);
        start.ArgumentList.Add(RemoteConnections.SshSubsystem);

        using var ssh = Process.Start(start) ?? throw new InvalidOperationException("ssh did not start.");
        ssh.StandardInput.Close(); // a subsystem that did start ends at once
        var output = ssh.StandardOutput.ReadToEndAsync();
        var error = ssh.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await ssh.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ssh.Kill(entireProcessTree: true);
            return "";
        }

        await output.ConfigureAwait(false);
        var lines = (await error.ConfigureAwait(false))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ssh.ExitCode == 255 ? string.Join(" ", lines) : "";
    }
}
