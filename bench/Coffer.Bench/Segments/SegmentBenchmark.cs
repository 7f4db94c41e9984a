using System.Diagnostics;
using System.Security.Cryptography;
using Coffer.Crypto;
using Coffer.Crypto.Kms;
using Coffer.Crypto.Segments;
using Coffer.Storage.Sqlite;

namespace Coffer.Bench.Segments;

/// <summary>
/// Throughput and allocation of the segment encryption format, in process, on one thread: a
/// 64 MiB object written and read in 1 MiB blocks as the PUT and GET paths do, a 4 KiB range of
/// it, and whole 4 KiB objects (a key schedule and a binding per object); bare AES-GCM over the
/// same segments is the bound. Then the KMS work every SSE-S3 object adds: a data key generated
/// and wrapped (PUT), unwrapped (GET), with the context the server binds it to.
/// </summary>
internal static class SegmentBenchmark
{
    private const int LargeSize = 64 * 1024 * 1024;
    private const int SmallSize = 4 * 1024;
    private const int BlockSize = 1024 * 1024;

    public static int Run(TimeSpan duration, TextWriter output)
    {
        using var key = DataKey.Generate();
        var binding = new SegmentBinding("coffer-bench", "large.bin", "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", 0);
        var largeLayout = new SegmentLayout(LargeSize);
        var smallLayout = new SegmentLayout(SmallSize);
        var plaintext = RandomNumberGenerator.GetBytes(LargeSize);
        var ciphertext = new byte[largeLayout.CiphertextLength];
        var smallCiphertext = new byte[smallLayout.CiphertextLength];
        var block = new byte[BlockSize];
        var range = largeLayout.GetRange(LargeSize / 2, (LargeSize / 2) + SmallSize - 1);

        output.WriteLine($"segments: {SegmentLayout.DefaultSegmentSize / 1024} KiB segments, AES-256-GCM, {duration.TotalSeconds:0.#} s per case, single thread");
        // Bare AES-GCM over the same segments, one nonce for all: what the format cannot beat.
        var bare = new byte[largeLayout.CiphertextLength];
        var decrypted = new byte[LargeSize];
        using (var aes = new AesGcm(key.Bytes, SegmentLayout.TagSize))
        {
            var nonce = new byte[12];
            Measure("aes-gcm encrypt bound", LargeSize, duration, output, () => EachSegment((p, c, t) => aes.Encrypt(nonce, plaintext.AsSpan(p), bare.AsSpan(c), bare.AsSpan(t))));
            Measure("aes-gcm decrypt bound", LargeSize, duration, output, () => EachSegment((p, c, t) => aes.Decrypt(nonce, bare.AsSpan(c), bare.AsSpan(t), decrypted.AsSpan(p))));
        }

        Encrypt(key, binding, plaintext, ciphertext);
        using (var check = new SegmentDecryptingStream(new MemoryStream(ciphertext), key, binding, largeLayout))
        {
            check.ReadExactly(decrypted);
            if (!decrypted.AsSpan().SequenceEqual(plaintext))
            {
                output.WriteLine("segments: the 64 MiB object does not decrypt to its plaintext");
                return 1;
            }
        }

        MeasureDataKeys(duration, output);

        Measure("encrypt 64 MiB", LargeSize, duration, output, () => Encrypt(key, binding, plaintext, destination: null));
        Measure("decrypt 64 MiB", LargeSize, duration, output, () =>
        {
            using var stream = new SegmentDecryptingStream(new MemoryStream(ciphertext, writable: false), key, binding, largeLayout);
            while (stream.Read(block) > 0)
            {
            }
        });
        Measure("decrypt 4 KiB range", SmallSize, duration, output, () =>
        {
            var source = new MemoryStream(ciphertext, (int)range.CiphertextOffset, (int)range.CiphertextLength, writable: false);
            using var stream = new SegmentDecryptingStream(source, key, binding, largeLayout, LargeSize / 2, (LargeSize / 2) + SmallSize - 1);
            stream.ReadExactly(block.AsSpan(0, SmallSize));
        });

        var small = plaintext.AsMemory(0, SmallSize);
        Measure("encrypt 4 KiB object", SmallSize, duration, output, () =>
        {
            using var objectKey = DataKey.Generate();
            Encrypt(objectKey, binding, small, smallCiphertext);
        });
        Encrypt(key, binding, small, smallCiphertext);
        Measure("decrypt 4 KiB object", SmallSize, duration, output, () =>
        {
            using var stream = new SegmentDecryptingStream(new MemoryStream(smallCiphertext, writable: false), key, binding, smallLayout);
            while (stream.Read(block) > 0)
            {
            }
        });
        return 0;
    }

    private static void MeasureDataKeys(TimeSpan duration, TextWriter output)
    {
        var directory = Directory.CreateTempSubdirectory("coffer-bench-kms-").FullName;
        try
        {
            var database = SqliteDatabase.Open(Path.Combine(directory, "metadata.db"));
            using var master = MasterKey.Generate();
            IDataKeyService keys = new KeyManagementService(database, master, new KmsOptions(), TimeProvider.System);
            var context = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["aws:s3:arn"] = "arn:aws:s3:::coffer-bench/small-000123",
                ["coffer:write"] = "3f1c2a9b8e7d6c5b4a39281706f5e4d3",
            };
            using var wrapped = keys.GenerateDataKeyAsync(null, context, CancellationToken.None).GetAwaiter().GetResult();
            Measure("data key generate", 0, duration, output, () => keys.GenerateDataKeyAsync(null, context, CancellationToken.None).GetAwaiter().GetResult().Dispose());
            Measure("data key unwrap", 0, duration, output, () => keys.DecryptDataKeyAsync(wrapped.WrappedKey, context, CancellationToken.None).GetAwaiter().GetResult().Dispose());
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Calls <paramref name="segment"/> with the plaintext, ciphertext and tag ranges of every segment of the 64 MiB object.</summary>
    private static void EachSegment(Action<Range, Range, Range> segment)
    {
        const int Size = SegmentLayout.DefaultSegmentSize;
        for (var index = 0; index < LargeSize / Size; index++)
        {
            var sealedOffset = index * (Size + SegmentLayout.TagSize);
            segment(new Range(index * Size, (index + 1) * Size), new Range(sealedOffset, sealedOffset + Size), new Range(sealedOffset + Size, sealedOffset + Size + SegmentLayout.TagSize));
        }
    }

    /// <summary>Encrypts in 1 MiB blocks, as the PUT path hands them over, into <paramref name="destination"/> (or nowhere).</summary>
    private static void Encrypt(DataKey key, SegmentBinding binding, ReadOnlyMemory<byte> plaintext, byte[]? destination)
    {
        var written = 0;
        using var encryptor = new SegmentEncryptor(key, binding, SegmentLayout.DefaultSegmentSize, (data, _) =>
        {
            if (destination is not null)
            {
                data.Span.CopyTo(destination.AsSpan(written));
                written += data.Length;
            }

            return ValueTask.CompletedTask;
        });
        for (var offset = 0; offset < plaintext.Length; offset += BlockSize)
        {
            Wait(encryptor.WriteAsync(plaintext.Slice(offset, Math.Min(BlockSize, plaintext.Length - offset)), CancellationToken.None));
        }

        Wait(encryptor.CompleteAsync(CancellationToken.None));
    }

    /// <summary>The destination completes at once, so every write does; only a failure needs a task.</summary>
    private static void Wait(ValueTask write)
    {
        if (!write.IsCompletedSuccessfully)
        {
            write.AsTask().GetAwaiter().GetResult();
        }
    }

    private static void Measure(string name, long bytesPerOperation, TimeSpan duration, TextWriter output, Action operation)
    {
        // Warm up so the JIT has tiered up before the measured run.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromMilliseconds(300))
        {
            operation();
        }

        long operations = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            operation();
            operations++;
        }

        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var perSecond = operations / watch.Elapsed.TotalSeconds;
        output.WriteLine(
            $"  {name,-22} {perSecond * bytesPerOperation / (1024 * 1024),9:N0} MiB/s  {perSecond,12:N0} ops/s  {(double)allocated / operations,8:N0} B/op");
    }
}
