using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>One file in a tar archive.</summary>
    internal sealed class TarEntry
    {
        public TarEntry(string name, char type, long size)
        {
            Name = name;
            Type = type;
            Size = size;
        }

        public string Name { get; }

        /// <summary>'0' for a file, '5' for a folder, others as tar defines them.</summary>
        public char Type { get; }

        public long Size { get; }

        public bool IsFile => Type == '0' || Type == '\0';
    }

    /// <summary>
    /// Reads and writes the ustar archives that <c>docker save</c> and <c>docker load</c> use. Reading
    /// checks every header's checksum and every size against the data, so a truncated or damaged
    /// archive is noticed before anything is loaded.
    /// </summary>
    internal static class TarStream
    {
        public const int Block = 512;

        /// <summary>
        /// Reads the archive and calls <paramref name="onEntry"/> with each entry and a stream of its
        /// content (read it or not; the reader skips what is left). Stops at the end-of-archive blocks.
        /// Throws <see cref="InvalidDataException"/> for damage or truncation.
        /// </summary>
        public static void Read(Stream input, Action<TarEntry, Stream> onEntry)
        {
            var header = new byte[Block];
            string longName = null;
            while (true)
            {
                if (!ReadFull(input, header))
                {
                    throw new InvalidDataException(
                        "The archive ends without its end-of-archive blocks: it is truncated.");
                }

                if (IsZero(header))
                {
                    // The end: a second zero block normally follows, but a single one is accepted.
                    return;
                }

                CheckSum(header);
                var size = ParseSize(header);
                var type = (char)header[156];
                var name = longName ?? HeaderName(header);
                longName = null;
                var content = new BoundedStream(input, size);
                if (type == 'L' || type == 'x')
                {
                    // A GNU long name or a PAX record: the name of the next entry.
                    var text = Encoding.UTF8.GetString(ReadAll(content)).TrimEnd('\0');
                    longName = type == 'L' ? text : PaxPath(text);
                }
                else
                {
                    onEntry(new TarEntry(name, type, size), content);
                }

                content.SkipRest();
                var padding = (Block - (size % Block)) % Block;
                if (padding > 0 && !ReadFull(input, new byte[padding]))
                {
                    throw new InvalidDataException($"The archive is truncated inside '{name}'.");
                }
            }
        }

        /// <summary>Writes a regular file entry: header, content and padding.</summary>
        public static void WriteFile(Stream output, string name, byte[] content, DateTimeOffset modified)
        {
            WriteHeader(output, name, '0', content.Length, modified);
            output.Write(content, 0, content.Length);
            WritePadding(output, content.Length);
        }

        /// <summary>Writes the two zero blocks that end an archive.</summary>
        public static void WriteEnd(Stream output)
        {
            output.Write(new byte[Block * 2], 0, Block * 2);
        }

        /// <summary>
        /// Copies one entry as it was read: the header rebuilt from its name, type and size, the
        /// content streamed.
        /// </summary>
        public static void CopyEntry(Stream output, TarEntry entry, Stream content, DateTimeOffset modified)
        {
            WriteHeader(output, entry.Name, entry.Type == '\0' ? '0' : entry.Type, entry.Size, modified);
            content.CopyTo(output);
            WritePadding(output, entry.Size);
        }

        private static void WriteHeader(Stream output, string name, char type, long size, DateTimeOffset modified)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            if (nameBytes.Length > 100)
            {
                // A GNU long-name record carries names that do not fit the header.
                var record = new byte[nameBytes.Length + 1];
                nameBytes.CopyTo(record, 0);
                WriteHeader(output, "././@LongLink", 'L', record.Length, modified);
                output.Write(record, 0, record.Length);
                WritePadding(output, record.Length);
                nameBytes = Encoding.UTF8.GetBytes(name.Substring(0, Math.Min(name.Length, 99)));
            }

            var header = new byte[Block];
            Array.Copy(nameBytes, header, Math.Min(nameBytes.Length, 100));
            WriteOctal(header, 100, 8, Convert.ToInt64(type == '5' ? "755" : "644", 8));
            WriteOctal(header, 108, 8, 0);
            WriteOctal(header, 116, 8, 0);
            WriteOctal(header, 124, 12, size);
            WriteOctal(header, 136, 12, Math.Max(0, modified.ToUnixTimeSeconds()));
            header[156] = (byte)type;
            Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
            for (var i = 148; i < 156; i++)
            {
                header[i] = (byte)' ';
            }

            long sum = 0;
            foreach (var b in header)
            {
                sum += b;
            }

            WriteOctal(header, 148, 7, sum);
            header[155] = (byte)' ';
            output.Write(header, 0, Block);
        }

        private static void WritePadding(Stream output, long size)
        {
            var padding = (int)((Block - (size % Block)) % Block);
            output.Write(new byte[padding], 0, padding);
        }

        public static byte[] ReadAll(Stream stream)
        {
            using (var memory = new MemoryStream())
            {
                stream.CopyTo(memory);
                return memory.ToArray();
            }
        }

        private static string HeaderName(byte[] header)
        {
            var name = Text(header, 0, 100);
            var prefix = Encoding.ASCII.GetString(header, 257, 5) == "ustar" ? Text(header, 345, 155) : string.Empty;
            return string.IsNullOrEmpty(prefix) ? name : prefix + "/" + name;
        }

        private static string PaxPath(string records)
        {
            foreach (var line in records.Split('\n'))
            {
                var space = line.IndexOf(' ');
                var record = space < 0 ? line : line.Substring(space + 1);
                if (record.StartsWith("path=", StringComparison.Ordinal))
                {
                    return record.Substring(5);
                }
            }

            return null;
        }

        private static long ParseSize(byte[] header)
        {
            if ((header[124] & 0x80) != 0)
            {
                // Base-256 for sizes over 8 GiB.
                long value = 0;
                for (var i = 125; i < 136; i++)
                {
                    value = (value << 8) | header[i];
                }

                return value;
            }

            var text = Text(header, 124, 12).Trim();
            if (text.Length == 0)
            {
                return 0;
            }

            try
            {
                return Convert.ToInt64(text, 8);
            }
            catch (FormatException)
            {
                throw new InvalidDataException("A tar header has a size that is not a number: the archive is damaged.");
            }
        }

        private static void CheckSum(byte[] header)
        {
            var text = Text(header, 148, 8).Trim();
            long stated;
            try
            {
                stated = Convert.ToInt64(text, 8);
            }
            catch (Exception ex) when (ex is FormatException || ex is ArgumentException)
            {
                throw new InvalidDataException("A tar header has no valid checksum: the archive is damaged.");
            }

            long sum = 0;
            for (var i = 0; i < Block; i++)
            {
                sum += i >= 148 && i < 156 ? (byte)' ' : header[i];
            }

            if (sum != stated)
            {
                throw new InvalidDataException("A tar header's checksum does not match: the archive is damaged.");
            }
        }

        private static string Text(byte[] buffer, int offset, int length)
        {
            var end = Array.IndexOf(buffer, (byte)0, offset, length);
            return Encoding.UTF8.GetString(buffer, offset, (end < 0 ? offset + length : end) - offset);
        }

        private static void WriteOctal(byte[] header, int offset, int length, long value)
        {
            var text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
            Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
            header[offset + length - 1] = 0;
        }

        private static bool IsZero(byte[] block)
        {
            foreach (var b in block)
            {
                if (b != 0)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool ReadFull(Stream input, byte[] buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var read = input.Read(buffer, done, buffer.Length - done);
                if (read == 0)
                {
                    return false;
                }

                done += read;
            }

            return true;
        }

        /// <summary>A window onto the next <c>size</c> bytes of the archive.</summary>
        private sealed class BoundedStream : Stream
        {
            private readonly Stream _inner;
            private long _left;

            public BoundedStream(Stream inner, long size)
            {
                _inner = inner;
                _left = size;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (_left <= 0)
                {
                    return 0;
                }

                var read = _inner.Read(buffer, offset, (int)Math.Min(count, _left));
                if (read == 0)
                {
                    throw new InvalidDataException("The archive is truncated: an entry ends before its stated size.");
                }

                _left -= read;
                return read;
            }

            public void SkipRest()
            {
                var buffer = new byte[81920];
                while (Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
