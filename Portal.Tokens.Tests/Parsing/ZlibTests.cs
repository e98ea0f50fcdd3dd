using System.IO.Compression;
using Portal.Tokens.Wire;

namespace Portal.Tokens.Tests.Parsing;

public sealed class ZlibTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(0, 8));

    private static byte[] Payload(Random rng)
    {
        var data = new byte[rng.Next(0, 6000)];
        switch (rng.Next(3))
        {
            case 0: rng.NextBytes(data); break;
            case 1: for (var i = 0; i < data.Length; i++) { data[i] = (byte)"0123456789abc"[rng.Next(rng.Next(1, 13))]; } break;
            default: for (var i = 0; i < data.Length; i++) { data[i] = (byte)(i % rng.Next(1, 300)); } break;
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Our_deflater_output_inflates_with_ZLibStream_and_with_our_inflater(int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < 150; i++)
        {
            var data = Payload(rng);
            var compressed = new byte[ZlibDeflater.MaxOutputLength(data.Length)];
            var n = ZlibDeflater.Compress(data, compressed);

            using var z = new ZLibStream(new MemoryStream(compressed, 0, n), CompressionMode.Decompress);
            var viaBcl = new MemoryStream();
            z.CopyTo(viaBcl);
            Assert.Equal(data, viaBcl.ToArray());

            var output = new byte[data.Length];
            Assert.Null(ZlibInflater.Inflate(compressed.AsSpan(0, n), output, out var written));
            Assert.Equal(data.Length, written);
            Assert.Equal(data, output);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Our_inflater_reads_ZLibStream_output_at_every_level(int seed)
    {
        var rng = new Random(seed + 100);
        foreach (var level in new[] { CompressionLevel.NoCompression, CompressionLevel.Fastest, CompressionLevel.Optimal, CompressionLevel.SmallestSize })
        {
            for (var i = 0; i < 30; i++)
            {
                var data = Payload(rng);
                var ms = new MemoryStream();
                using (var z = new ZLibStream(ms, level, leaveOpen: true))
                {
                    z.Write(data);
                }

                var output = new byte[data.Length];
                Assert.Null(ZlibInflater.Inflate(ms.ToArray(), output, out var written));
                Assert.Equal(data, output.AsSpan(0, written).ToArray());
            }
        }
    }
}
