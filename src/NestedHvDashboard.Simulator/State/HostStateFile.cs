using System.Text;

namespace NestedHvDashboard.Simulator.State;

/// <summary>
/// The out-of-process state file: every access holds an exclusive lock on the file, so several
/// pwsh processes and the test process see one consistent host.
/// </summary>
internal static class HostStateFile
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public static T WithExclusiveLock<T>(string path, bool createIfMissing, Func<FileStream, T> use)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        var delay = 5;
        while (true)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, createIfMissing ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && DateTime.UtcNow < deadline)
            {
                // Another process or runspace holds the lock: back off briefly and retry.
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 100);
                continue;
            }

            using (stream)
            {
                return use(stream);
            }
        }
    }

    public static string ReadAll(FileStream stream)
    {
        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096, leaveOpen: true);
        return reader.ReadToEnd();
    }

    public static void Write(FileStream stream, string json)
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(json);
        stream.Position = 0;
        stream.SetLength(0);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
