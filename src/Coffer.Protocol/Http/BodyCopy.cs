using System.Buffers;
using System.IO.Pipelines;

namespace Coffer.Protocol.Http;

/// <summary>
/// Sends a stored object's content as a response body. Beyond a few blocks the next block is read
/// (and, for encrypted content, decrypted) on another thread while the current one is being sent,
/// so that the CPU work of reading overlaps the socket's; smaller bodies go straight into the pipe.
/// </summary>
internal static class BodyCopy
{
    public const int BlockSize = 1024 * 1024;

    private const long ReadAheadFrom = 4L * BlockSize;

    public static Task CopyAsync(Stream source, PipeWriter destination, long length, CancellationToken cancellationToken) =>
        length < ReadAheadFrom
            ? CopyDirectAsync(source, destination, length, cancellationToken)
            : CopyReadingAheadAsync(source, destination, length, cancellationToken);

    private static async Task CopyDirectAsync(Stream source, PipeWriter destination, long length, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            var memory = destination.GetMemory((int)Math.Min(BlockSize, length));
            var want = (int)Math.Min(memory.Length, length);
            var read = await source.ReadAsync(memory[..want], cancellationToken).ConfigureAwait(false);
            CheckRead(read);
            destination.Advance(read);
            length -= read;
            var flushed = await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                return;
            }
        }
    }

    private static async Task CopyReadingAheadAsync(Stream source, PipeWriter destination, long length, CancellationToken cancellationToken)
    {
        byte[][] blocks = [ArrayPool<byte>.Shared.Rent(BlockSize), ArrayPool<byte>.Shared.Rent(BlockSize)];
        var current = 0;
        var remaining = length;
        var pending = ReadAheadAsync(source, blocks[current], (int)Math.Min(BlockSize, remaining), cancellationToken);
        try
        {
            while (true)
            {
                var read = await pending.ConfigureAwait(false);
                CheckRead(read);
                remaining -= read;
                var filled = blocks[current];
                current ^= 1;
                pending = remaining > 0 ? ReadAheadAsync(source, blocks[current], (int)Math.Min(BlockSize, remaining), cancellationToken) : Task.FromResult(0);
                destination.Write(filled.AsSpan(0, read));
                var flushed = await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (remaining == 0 || flushed.IsCanceled || flushed.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            // The read ahead must be done with its block (and the source) before either goes.
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Either already thrown by the loop, or the copy ended early and it does not matter.
            }

            foreach (var block in blocks)
            {
                ArrayPool<byte>.Shared.Return(block, clearArray: true);
            }
        }
    }

    private static Task<int> ReadAheadAsync(Stream source, byte[] block, int count, CancellationToken cancellationToken) =>
        Task.Run(async () => await source.ReadAsync(block.AsMemory(0, count), cancellationToken).ConfigureAwait(false), cancellationToken);

    private static void CheckRead(int read)
    {
        if (read == 0)
        {
            throw new IOException("The stored object is shorter than its metadata says.");
        }
    }
}
