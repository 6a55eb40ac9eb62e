// Bench images for the OpenIm.PowerShell benchmarks: built deterministically from a seed string and
// pushed straight into the lab's backend registries over the registry HTTP API, so the lab's own seed
// (tests/Lab) stays as it is. Loaded by bench/BenchCommon.psm1 with Add-Type.
//
// An image is a Docker v2 schema 2 manifest with a config and N layers. Each layer is a gzip tar that
// holds one file of pseudo-random bytes (SplitMix64 seeded from the seed string and the layer number),
// so sizes are real: random bytes do not compress, and the gzip uses stored deflate blocks, which keeps
// the bytes identical on every machine and .NET version (no compressor in the loop).

using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace OpenImBench
{
    /// <summary>One blob of a bench image, stored in the cache folder.</summary>
    public sealed class BenchBlob
    {
        public string MediaType { get; set; }
        public string Digest { get; set; }
        public long Size { get; set; }
        public string Path { get; set; }
    }

    /// <summary>A bench image: its manifest and the blobs it names.</summary>
    public sealed class BenchImage
    {
        public string Seed { get; set; }
        public byte[] Manifest { get; set; }
        public string ManifestDigest { get; set; }
        public string ManifestMediaType { get; set; }
        public BenchBlob Config { get; set; }
        public List<BenchBlob> Layers { get; set; }

        /// <summary>Bytes a client downloads: config and layers (compressed sizes).</summary>
        public long TotalBytes => Config.Size + Layers.Sum(l => l.Size);
    }

    public static class BenchImageFactory
    {
        public const string ManifestType = "application/vnd.docker.distribution.manifest.v2+json";
        public const string ConfigType = "application/vnd.docker.container.image.v1+json";
        public const string LayerType = "application/vnd.docker.image.rootfs.diff.tar.gzip";
        private const string Created = "2025-01-01T00:00:00Z";
        private const int Chunk = 64 * 1024 - 1;

        /// <summary>
        /// The image for a seed, built into cacheFolder or read from there when an earlier run built it.
        /// Same seed, layer count, layer size and architecture: same bytes, same digests.
        /// </summary>
        public static BenchImage Build(
            string cacheFolder,
            string seed,
            int layers,
            long bytesPerLayer,
            string architecture)
        {
            if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers));
            if (bytesPerLayer < 1) throw new ArgumentOutOfRangeException(nameof(bytesPerLayer));
            var blobs = System.IO.Path.Combine(cacheFolder, "blobs");
            var images = System.IO.Path.Combine(cacheFolder, "images");
            Directory.CreateDirectory(blobs);
            Directory.CreateDirectory(images);

            var key = Hex(
                SHA256.HashData(
                    Encoding.UTF8.GetBytes($"{seed}|{layers}|{bytesPerLayer}|{architecture}|v1"))).Substring(0, 16);
            var manifestFile = System.IO.Path.Combine(images, key + ".manifest.json");
            if (File.Exists(manifestFile))
            {
                var cached = Load(blobs, seed, File.ReadAllBytes(manifestFile));
                if (cached != null) return cached;
            }

            var built = new List<BenchBlob>();
            var diffIds = new List<string>();
            for (var i = 0; i < layers; i++)
            {
                var layer = WriteLayer(blobs, seed, i, bytesPerLayer, out var diffId);
                built.Add(layer);
                diffIds.Add(diffId);
            }

            var config = new StringBuilder();
            config.Append("{\"architecture\":\"").Append(architecture).Append("\",");
            config.Append(
                "\"config\":{\"Labels\":{\"org.openim.bench.seed\":\"").Append(
                    JsonEncodedText.Encode(seed)).Append("\"}},");
            config.Append("\"created\":\"").Append(Created).Append("\",\"history\":[");
            for (var i = 0; i < layers; i++)
            {
                if (i > 0) config.Append(',');
                config.Append("{\"created\":\"").Append(Created).Append(
                    "\",\"created_by\":\"openim bench layer ").Append(i + 1).Append("\"}");
            }

            config.Append("],\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
            config.Append(string.Join(",", diffIds.Select(d => "\"" + d + "\""))).Append("]}}");
            var configBlob = StoreBytes(blobs, ConfigType, Encoding.UTF8.GetBytes(config.ToString()));

            var manifest = new StringBuilder();
            manifest.Append("{\"schemaVersion\":2,\"mediaType\":\"").Append(ManifestType).Append("\",");
            manifest.Append(
                "\"config\":{\"mediaType\":\"").Append(ConfigType).Append("\",\"size\":").Append(configBlob.Size)
                .Append(",\"digest\":\"").Append(configBlob.Digest).Append("\"},\"layers\":[");
            manifest.Append(string.Join(",", built.Select(l =>
                "{\"mediaType\":\"" + LayerType + "\",\"size\":" + l.Size + ",\"digest\":\"" + l.Digest + "\"}")));
            manifest.Append("]}");
            var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToString());
            var temporary = manifestFile + ".tmp";
            File.WriteAllBytes(temporary, manifestBytes);
            File.Move(temporary, manifestFile, true);

            return new BenchImage
            {
                Seed = seed,
                Manifest = manifestBytes,
                ManifestDigest = "sha256:" + Hex(SHA256.HashData(manifestBytes)),
                ManifestMediaType = ManifestType,
                Config = configBlob,
                Layers = built,
            };
        }

        private static BenchImage Load(string blobs, string seed, byte[] manifestBytes)
        {
            using var document = JsonDocument.Parse(manifestBytes);
            BenchBlob Read(JsonElement element)
            {
                var digest = element.GetProperty("digest").GetString();
                var path = System.IO.Path.Combine(blobs, digest.Substring("sha256:".Length));
                var size = element.GetProperty("size").GetInt64();
                if (!File.Exists(path) || new FileInfo(path).Length != size) return null;
                return new BenchBlob
                {
                    MediaType = element.GetProperty("mediaType").GetString(),
                    Digest = digest,
                    Size = size,
                    Path = path,
                };
            }

            var config = Read(document.RootElement.GetProperty("config"));
            var layers = document.RootElement.GetProperty("layers").EnumerateArray().Select(Read).ToList();
            if (config == null || layers.Any(l => l == null)) return null;
            return new BenchImage
            {
                Seed = seed,
                Manifest = manifestBytes,
                ManifestDigest = "sha256:" + Hex(SHA256.HashData(manifestBytes)),
                ManifestMediaType = ManifestType,
                Config = config,
                Layers = layers,
            };
        }

        private static BenchBlob StoreBytes(string blobs, string mediaType, byte[] bytes)
        {
            var hex = Hex(SHA256.HashData(bytes));
            var path = System.IO.Path.Combine(blobs, hex);
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path + ".tmp", bytes);
                File.Move(path + ".tmp", path, true);
            }

            return new BenchBlob { MediaType = mediaType, Digest = "sha256:" + hex, Size = bytes.Length, Path = path };
        }

        /// <summary>Writes one layer: a tar with one random file, wrapped in stored-deflate gzip.</summary>
        private static BenchBlob WriteLayer(string blobs, string seed, int index, long bytes, out string diffId)
        {
            var temporary = System.IO.Path.Combine(blobs, $"layer-{Guid.NewGuid():N}.tmp");
            var random = new SplitMix64(SeedOf(seed, index));
            using var compressedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var tarHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long compressedSize;
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var gzip = new StoredGzip(file, compressedHash, tarHash);
                var name = $"openim-bench/{SafeName(seed)}/layer-{index + 1}.bin";
                gzip.Write(TarHeader(name, bytes));
                var buffer = new byte[Chunk - (Chunk % 8) + 8];
                var left = bytes;
                while (left > 0)
                {
                    random.Fill(buffer);
                    var count = (int)Math.Min(left, Chunk);
                    gzip.Write(buffer.AsSpan(0, count));
                    left -= count;
                }

                var padding = (int)((512 - bytes % 512) % 512);
                gzip.Write(new byte[padding + 1024]);
                gzip.Finish();
                compressedSize = gzip.CompressedSize;
            }

            var hex = Hex(compressedHash.GetHashAndReset());
            diffId = "sha256:" + Hex(tarHash.GetHashAndReset());
            var path = System.IO.Path.Combine(blobs, hex);
            File.Move(temporary, path, true);
            return new BenchBlob
            {
                MediaType = LayerType,
                Digest = "sha256:" + hex,
                Size = compressedSize,
                Path = path,
            };
        }

        private static string SafeName(string seed)
        {
            var chars = seed.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '.' ? c : '-').ToArray();
            var name = new string(chars);
            return name.Length > 60 ? name.Substring(0, 60) : name;
        }

        private static ulong SeedOf(string seed, int index)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed + "/layer/" + index));
            return BinaryPrimitives.ReadUInt64LittleEndian(hash);
        }

        /// <summary>A ustar header for one regular file, fixed owner, mode and time.</summary>
        private static byte[] TarHeader(string name, long size)
        {
            var header = new byte[512];
            void Put(int offset, int length, string value)
            {
                var bytes = Encoding.ASCII.GetBytes(value);
                Array.Copy(bytes, 0, header, offset, Math.Min(bytes.Length, length));
            }

            string Octal(long value, int digits) => Convert.ToString(value, 8).PadLeft(digits, '0');
            Put(0, 100, name);
            Put(100, 8, Octal(0x1a4, 7));            // 0644
            Put(108, 8, Octal(0, 7));                // uid
            Put(116, 8, Octal(0, 7));                // gid
            Put(124, 12, Octal(size, 11));
            Put(136, 12, Octal(1735689600, 11));     // 2025-01-01T00:00:00Z
            Put(148, 8, "        ");                 // checksum placeholder
            header[156] = (byte)'0';
            Put(257, 6, "ustar");
            Put(263, 2, "00");
            Put(265, 32, "root");
            Put(297, 32, "root");
            var sum = header.Sum(b => (long)b);
            Put(148, 8, Octal(sum, 6) + "\0 ");
            return header;
        }

        public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>SplitMix64: a tiny, fast, well-mixed generator; the same stream everywhere.</summary>
    internal sealed class SplitMix64
    {
        private ulong _state;

        public SplitMix64(ulong seed) => _state = seed;

        public void Fill(byte[] buffer)
        {
            for (var i = 0; i + 8 <= buffer.Length; i += 8)
            {
                var z = _state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(i, 8), z ^ (z >> 31));
            }
        }
    }

    /// <summary>
    /// A gzip member made of stored (uncompressed) deflate blocks. Hashes what it writes (the blob
    /// digest) and what it was given (the tar: the layer's diff id).
    /// </summary>
    internal sealed class StoredGzip
    {
        private static readonly uint[] CrcTable = MakeCrcTable();
        private readonly Stream _sink;
        private readonly IncrementalHash _compressed;
        private readonly IncrementalHash _plain;
        private uint _crc = 0xFFFFFFFFu;
        private long _plainSize;

        public StoredGzip(Stream sink, IncrementalHash compressed, IncrementalHash plain)
        {
            _sink = sink;
            _compressed = compressed;
            _plain = plain;
            // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown): the same bytes everywhere.
            Emit(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff });
        }

        public long CompressedSize { get; private set; }

        public void Write(ReadOnlySpan<byte> data)
        {
            _plain.AppendData(data);
            _plainSize += data.Length;
            var crc = _crc;
            foreach (var b in data)
            {
                crc = CrcTable[(crc ^ b) & 0xff] ^ (crc >> 8);
            }

            _crc = crc;
            while (data.Length > 0)
            {
                var count = Math.Min(data.Length, 65535);
                Block(false, data.Slice(0, count));
                data = data.Slice(count);
            }
        }

        public void Finish()
        {
            Block(true, ReadOnlySpan<byte>.Empty);
            var trailer = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(0, 4), _crc ^ 0xFFFFFFFFu);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4, 4), (uint)(_plainSize & 0xFFFFFFFF));
            Emit(trailer);
            _sink.Flush();
        }

        private void Block(bool final, ReadOnlySpan<byte> data)
        {
            var header = new byte[5];
            header[0] = (byte)(final ? 1 : 0);   // BFINAL, BTYPE=00 (stored), padded to the byte
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(1, 2), (ushort)data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(3, 2), (ushort)~data.Length);
            Emit(header);
            Emit(data);
        }

        private void Emit(ReadOnlySpan<byte> bytes)
        {
            _sink.Write(bytes);
            _compressed.AppendData(bytes);
            CompressedSize += bytes.Length;
        }

        private static uint[] MakeCrcTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }

    /// <summary>
    /// Pushes bench images into a registry over the distribution API (no auth: the lab's open
    /// backends).
    /// </summary>
    public sealed class BenchPusher : IDisposable
    {
        private readonly HttpClient _http;

        public BenchPusher()
        {
            _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 16 })
            {
                Timeout = TimeSpan.FromMinutes(10),
            };
        }

        /// <summary>
        /// Pushes the blobs a registry lacks, then the manifest under every tag; returns requests
        /// made.
        /// </summary>
        public int Push(string backend, string repository, BenchImage image, IList<string> tags, int parallel)
        {
            return PushAsync(new Uri(backend), repository, image, tags, parallel).GetAwaiter().GetResult();
        }

        /// <summary>The backend's tags of a repository (registry 2.8: one unsorted page); empty when unknown.</summary>
        public string[] Tags(string backend, string repository)
        {
            using var answer = _http.GetAsync(new Uri(
                new Uri(backend),
                $"/v2/{repository}/tags/list")).GetAwaiter().GetResult();
            if (answer.StatusCode == HttpStatusCode.NotFound) return Array.Empty<string>();
            answer.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(answer.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            var tags = document.RootElement.GetProperty("tags");
            if (tags.ValueKind != JsonValueKind.Array) return Array.Empty<string>();
            return tags.EnumerateArray().Select(t => t.GetString()).ToArray();
        }

        /// <summary>The digest the backend holds for a tag, or null.</summary>
        public string DigestOf(string backend, string repository, string tag)
        {
            using var request = new HttpRequestMessage(
                HttpMethod.Head,
                new Uri(new Uri(backend), $"/v2/{repository}/manifests/{tag}"));
            request.Headers.Accept.ParseAdd(BenchImageFactory.ManifestType);
            using var answer = _http.SendAsync(request).GetAwaiter().GetResult();
            if (!answer.IsSuccessStatusCode) return null;
            return answer.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : null;
        }

        private async Task<int> PushAsync(
            Uri backend,
            string repository,
            BenchImage image,
            IList<string> tags,
            int parallel)
        {
            var requests = 0;
            var blobs = new List<BenchBlob> { image.Config };
            blobs.AddRange(image.Layers);
            foreach (var blob in blobs.GroupBy(b => b.Digest).Select(g => g.First()))
            {
                using (var head = new HttpRequestMessage(
                    HttpMethod.Head,
                    new Uri(backend, $"/v2/{repository}/blobs/{blob.Digest}")))
                using (var answer = await _http.SendAsync(head))
                {
                    requests++;
                    if (answer.IsSuccessStatusCode) continue;
                }

                Uri location;
                using (var start = await _http.PostAsync(new Uri(backend, $"/v2/{repository}/blobs/uploads/"), null))
                {
                    requests++;
                    if (start.StatusCode != HttpStatusCode.Accepted)
                    {
                        throw new InvalidOperationException(
                            $"Upload of {blob.Digest} to {repository} refused: {(int)start.StatusCode}");
                    }

                    location = start.Headers.Location.IsAbsoluteUri ? start.Headers.Location : new Uri(
                        backend,
                        start.Headers.Location);
                }

                var separator = location.Query.Length > 0 ? "&" : "?";
                var put = new Uri(location + separator + "digest=" + Uri.EscapeDataString(blob.Digest));
                using (var stream = new FileStream(blob.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
                using (var content = new StreamContent(stream, 1 << 20))
                {
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    content.Headers.ContentLength = blob.Size;
                    using var stored = await _http.PutAsync(put, content);
                    requests++;
                    if (stored.StatusCode != HttpStatusCode.Created)
                    {
                        var reason = await stored.Content.ReadAsStringAsync();
                        throw new InvalidOperationException(
                            $"Upload of {blob.Digest} to {repository} failed: {(int)stored.StatusCode} {reason}");
                    }
                }
            }

            using var gate = new SemaphoreSlim(Math.Max(1, parallel));
            var work = tags.Select(async tag =>
            {
                await gate.WaitAsync();
                try
                {
                    using var content = new ByteArrayContent(image.Manifest);
                    content.Headers.ContentType = new MediaTypeHeaderValue(image.ManifestMediaType);
                    using var stored = await _http.PutAsync(
                        new Uri(backend, $"/v2/{repository}/manifests/{tag}"),
                        content);
                    Interlocked.Increment(ref requests);
                    if (stored.StatusCode != HttpStatusCode.Created)
                    {
                        var reason = await stored.Content.ReadAsStringAsync();
                        throw new InvalidOperationException(
                            $"Manifest {repository}:{tag} refused: {(int)stored.StatusCode} {reason}");
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToArray();
            await Task.WhenAll(work);
            return requests;
        }

        public void Dispose() => _http.Dispose();
    }
}
