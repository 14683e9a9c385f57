using System.Diagnostics;

namespace NestedHvDashboard.Web.Tests.Reliability;

/// <summary>
/// A small tmpfs of its own, mounted on a fresh temporary folder (as root, or through <c>sudo -n</c>), that a test can
/// fill to the last byte or make read-only; unmounted and removed at dispose.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string path) => Path = path;

    /// <summary>The mounted folder.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MB; fails the test naming what is needed when mounting is not allowed.</summary>
    public static SmallFilesystem Mount(int megabytes)
    {
        var folder = Directory.CreateTempSubdirectory("nestedhv-tmpfs-").FullName;
        var (code, output) = Mount("-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", folder);
        if (code != 0)
        {
            Directory.Delete(folder);
            Assert.Fail($"These tests mount a small tmpfs to fill it, which needs root or password-less sudo; 'mount' said: {output}");
        }

        return new SmallFilesystem(folder);
    }

    /// <summary>Writes a file until the filesystem has no byte left.</summary>
    public void Fill()
    {
        using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        // The last partial block, byte by byte, so not even a small write fits.
        try
        {
            while (true)
            {
                filler.WriteByte(0);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // Full to the byte.
        }
    }

    /// <summary>Frees what <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(System.IO.Path.Combine(Path, "filler"));

    /// <summary>Remounts it read-only.</summary>
    public void MakeReadOnly()
    {
        var (code, output) = Mount("-o", "remount,ro", Path);
        Assert.True(code == 0, $"remounting {Path} read-only failed: {output}");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var (code, _) = Run("umount", Path);
        if (code != 0)
        {
            // Still open somewhere (a pooled connection closing): detach now, the kernel frees it when the last file closes.
            Run("umount", "-l", Path);
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp folder's cleanup.
        }
    }

    private static (int Code, string Output) Mount(params string[] arguments)
    {
        var result = Run("mount", arguments);
        return result.Code == 0 ? result : Run("sudo", ["-n", "mount", .. arguments]);
    }

    private static (int Code, string Output) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                return (-1, $"{program} did not end within 30 s");
            }

            return (process.ExitCode, (output.Result + error.Result).Trim());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"{program}: {ex.Message}");
        }
    }
}
