namespace OpenIm.Lab.Seed;

/// <summary>
/// Gzip with stored deflate blocks. The bytes depend on nothing but the input, unlike a compressor
/// whose output may change with the zlib build; the seeded digests must never move.
/// </summary>
internal static class StoredGzip
{
    private const int MaxBlock = 65_535;

    private static readonly uint[] CrcTable = CreateCrcTable();

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        var blocks = Math.Max(1, (data.Length + MaxBlock - 1) / MaxBlock);
        using var output = new MemoryStream(data.Length + (blocks * 5) + 18);

        // Header: magic, deflate, no flags, no time, no extra flags, OS unknown.
        output.Write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        for (var block = 0; block < blocks; block++)
        {
            var chunk = data.Slice(block * MaxBlock, Math.Min(MaxBlock, data.Length - (block * MaxBlock)));
            var final = block == blocks - 1;
            var length = (ushort)chunk.Length;
            output.WriteByte(final ? (byte)1 : (byte)0);
            WriteUInt16(output, length);
            WriteUInt16(output, (ushort)~length);
            output.Write(chunk);
        }

        WriteUInt32(output, Crc32(data));
        WriteUInt32(output, (uint)data.Length);
        return output.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xffff_ffffu;
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xff] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xedb8_8320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static void WriteUInt16(Stream output, ushort value)
    {
        output.WriteByte((byte)value);
        output.WriteByte((byte)(value >> 8));
    }

    private static void WriteUInt32(Stream output, uint value)
    {
        WriteUInt16(output, (ushort)value);
        WriteUInt16(output, (ushort)(value >> 16));
    }
}
