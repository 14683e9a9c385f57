using System.IO.Pipelines;

namespace NestedHvDashboard.Benchmarks;

/// <summary>
/// A Kestrel connection's transport whose output counts every byte the server writes to the socket
/// (HTTP, WebSocket frames and hub messages alike).
/// </summary>
internal sealed class CountingTransport(IDuplexPipe inner) : IDuplexPipe
{
    private static long s_bytesWritten;

    /// <summary>Bytes written by every counted connection since the process started.</summary>
    public static long BytesWritten => Interlocked.Read(ref s_bytesWritten);

    public PipeReader Input => inner.Input;

    public PipeWriter Output { get; } = new CountingWriter(inner.Output);

    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            Interlocked.Add(ref s_bytesWritten, bytes);
            inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Interlocked.Add(ref s_bytesWritten, source.Length);
            return inner.WriteAsync(source, cancellationToken);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
