using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>One image in an archive, as its manifest file lists it.</summary>
    public sealed class ArchiveImage
    {
        [JsonPropertyName("reference")]
        public string Reference { get; set; }

        [JsonPropertyName("image")]
        public string Image { get; set; }

        [JsonPropertyName("registry")]
        public string Registry { get; set; }

        [JsonPropertyName("tag")]
        public string Tag { get; set; }

        /// <summary>The engine's image id: the digest of the image config, the same on every engine.</summary>
        [JsonPropertyName("imageId")]
        public string ImageId { get; set; }

        /// <summary>The registry manifest digest the image was pulled by, when the engine knew it.</summary>
        [JsonPropertyName("digest")]
        public string Digest { get; set; }

        [JsonPropertyName("platform")]
        public string Platform { get; set; }

        [JsonPropertyName("size")]
        public long Size { get; set; }
    }

    /// <summary>The manifest file OpenIm puts into an archive, next to Docker's own.</summary>
    public sealed class ArchiveManifest
    {
        public const string FileName = "openim-manifest.json";
        public const string CurrentFormat = "openim-archive/1";

        [JsonPropertyName("format")]
        public string Format { get; set; } = CurrentFormat;

        [JsonPropertyName("created")]
        public DateTimeOffset Created { get; set; }

        [JsonPropertyName("images")]
        public List<ArchiveImage> Images { get; set; } = new List<ArchiveImage>();
    }

    /// <summary>
    /// Writes and checks image archives: a <c>docker save</c> tar with OpenIm's manifest file added,
    /// so <c>docker load</c> accepts it as it is and Import-OpenImImage can prove its content before
    /// loading: every image config must hash to its image id and every layer to its diff id.
    /// </summary>
    public static class ImageArchive
    {
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true };

        /// <summary>
        /// Saves the images from the engine into <paramref name="path"/> through a temporary file that
        /// replaces it only when complete. Returns the archive's sha256 and size.
        /// </summary>
        public static async Task<KeyValuePair<string, long>> SaveAsync(
            DockerEngine engine,
            ArchiveManifest manifest,
            string path,
            CancellationToken cancellationToken)
        {
            var temporary = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".partial";
            try
            {
                string digest;
                long size;
                using (var source = await engine.SaveAsync(manifest.Images.Select(i => i.Reference), cancellationToken)
                    .ConfigureAwait(false))
                using (var file = new FileStream(
                    temporary,
                    FileMode.CreateNew,
                    FileAccess.Write,
                    FileShare.None,
                    1 << 16))
                using (var sha = SHA256.Create())
                {
                    // The engine's entries are copied as they are and OpenIm's manifest is added at the
                    // end; the hash is taken over exactly the bytes written.
                    var hashing = new CryptoStream(file, sha, CryptoStreamMode.Write);
                    var counting = new CountingStream(hashing);
                    TarStream.Read(new SynchronousReader(source, cancellationToken), (entry, content) =>
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        TarStream.CopyEntry(counting, entry, content, manifest.Created);
                    });
                    TarStream.WriteFile(
                        counting,
                        ArchiveManifest.FileName,
                        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, Json)),
                        manifest.Created);
                    TarStream.WriteEnd(counting);
                    hashing.FlushFinalBlock();
                    file.Flush(true);
                    digest = "sha256:" + BitConverter.ToString(sha.Hash).Replace("-", string.Empty).ToLowerInvariant();
                    size = counting.Count;
                }

                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                File.Move(temporary, path);
                return new KeyValuePair<string, long>(digest, size);
            }
            catch (InvalidDataException ex)
            {
                throw new OpenImException(
                    "SaveFailed",
                    OpenImErrorKind.InvalidData,
                    $"The engine {engine.Name} produced an archive that could not be read: {ex.Message}",
                    path,
                    ex);
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }

        /// <summary>
        /// Reads the whole archive and proves its content: OpenIm's manifest is there, Docker's manifest
        /// is there, every config hashes to its image id, every layer to the diff id its config states,
        /// and every listed image is in the archive. Throws <c>ArchiveNotOpenIm</c> or <c>ArchiveDamaged</c>.
        /// </summary>
        public static ArchiveManifest Verify(string path)
        {
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            try
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                {
                    TarStream.Read(file, (entry, content) =>
                    {
                        if (!entry.IsFile)
                        {
                            return;
                        }

                        // Small files (manifests and image configs, whatever the layout names them) are
                        // kept for reading; layers are only hashed.
                        var name = entry.Name.TrimStart('.', '/');
                        if (entry.Size <= 1024 * 1024)
                        {
                            var bytes = TarStream.ReadAll(content);
                            files[name] = bytes;
                            hashes[name] = Sha256(new MemoryStream(bytes));
                        }
                        else
                        {
                            hashes[name] = Sha256(content);
                        }
                    });
                }
            }
            catch (InvalidDataException ex)
            {
                throw Damaged(path, ex.Message, ex);
            }
            catch (IOException ex)
            {
                throw new OpenImException(
                    "ArchiveUnreadable",
                    OpenImErrorKind.ReadError,
                    $"'{path}' could not be read: {ex.Message}",
                    path,
                    ex);
            }

            if (!files.TryGetValue(ArchiveManifest.FileName, out var ours))
            {
                throw new OpenImException(
                    "ArchiveNotOpenIm",
                    OpenImErrorKind.InvalidData,
                    $"'{path}' is not an archive written by Save-OpenImImage: it has no {ArchiveManifest.FileName}.",
                    path,
                    null,
                    "Load archives from other tools with docker load; Import-OpenImImage only takes its own, which " +
                        "it can verify.");
            }

            ArchiveManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<ArchiveManifest>(ours);
            }
            catch (JsonException ex)
            {
                throw Damaged(path, $"its {ArchiveManifest.FileName} is not valid JSON", ex);
            }

            if (manifest?.Format != ArchiveManifest.CurrentFormat || manifest.Images == null
                || manifest.Images.Count == 0)
            {
                throw new OpenImException(
                    "ArchiveNotOpenIm",
                    OpenImErrorKind.InvalidData,
                    $"'{path}' has an OpenIm manifest of an unknown format ({manifest?.Format ?? "none"}).",
                    path);
            }

            if (!files.TryGetValue("manifest.json", out var docker))
            {
                throw Damaged(path, "Docker's manifest.json is missing", null);
            }

            VerifyImages(path, manifest, docker, files, hashes);
            return manifest;
        }

        /// <summary>Loads a verified archive into an engine.</summary>
        public static async Task LoadAsync(DockerEngine engine, string path, CancellationToken cancellationToken)
        {
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                await engine.LoadAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        private static void VerifyImages(
            string path,
            ArchiveManifest manifest,
            byte[] dockerManifest,
            IReadOnlyDictionary<string, byte[]> files,
            IReadOnlyDictionary<string, string> hashes)
        {
            var knownIds = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                using (var document = JsonDocument.Parse(dockerManifest))
                {
                    foreach (var item in document.RootElement.EnumerateArray())
                    {
                        var configName = item.GetProperty("Config").GetString().TrimStart('.', '/');
                        if (!hashes.TryGetValue(
                            configName,
                            out var configHash) || !files.TryGetValue(configName, out var config))
                        {
                            throw Damaged(path, $"the image config {configName} is missing", null);
                        }

                        // The image id is the config's digest; the file is named after it.
                        var expectedId = "sha256:" + Path.GetFileNameWithoutExtension(configName.Split('/').Last());
                        if (configHash != expectedId)
                        {
                            throw Damaged(path, $"the image config {configName} does not hash to its name", null);
                        }

                        knownIds.Add(configHash);
                        var diffIds = DiffIds(config);
                        var layers = item.GetProperty("Layers").EnumerateArray().Select(
                            l => l.GetString().TrimStart('.', '/')).ToList();
                        if (layers.Count != diffIds.Count)
                        {
                            throw Damaged(
                                path,
                                $"the image {configHash} lists {layers.Count} layers but its config {diffIds.Count}",
                                null);
                        }

                        for (var i = 0; i < layers.Count; i++)
                        {
                            if (!hashes.TryGetValue(layers[i], out var layerHash))
                            {
                                throw Damaged(path, $"the layer {layers[i]} is missing", null);
                            }

                            if (layerHash != diffIds[i])
                            {
                                throw Damaged(
                                    path,
                                    $"the layer {layers[i]} does not match its digest {diffIds[i]}",
                                    null);
                            }
                        }
                    }
                }
            }
            catch (Exception ex) when (
                ex is JsonException || ex is InvalidOperationException || ex is KeyNotFoundException)
            {
                throw Damaged(path, "Docker's manifest.json is not what docker save writes", ex);
            }

            foreach (var image in manifest.Images)
            {
                if (!knownIds.Contains(image.ImageId ?? string.Empty))
                {
                    throw Damaged(
                        path,
                        $"{image.Reference} ({image.ImageId}) is listed but its image is not in the archive",
                        null);
                }
            }
        }

        private static List<string> DiffIds(byte[] config)
        {
            using (var document = JsonDocument.Parse(config))
            {
                return document.RootElement
                    .GetProperty("rootfs")
                    .GetProperty("diff_ids")
                    .EnumerateArray()
                    .Select(d => d.GetString())
                    .ToList();
            }
        }

        private static string Sha256(Stream content)
        {
            using (var sha = SHA256.Create())
            {
                return "sha256:" + BitConverter.ToString(
                    sha.ComputeHash(content)).Replace("-", string.Empty).ToLowerInvariant();
            }
        }

        private static OpenImException Damaged(string path, string reason, Exception inner)
        {
            return new OpenImException(
                "ArchiveDamaged",
                OpenImErrorKind.InvalidData,
                $"'{path}' is damaged: {reason}. Nothing was loaded.",
                path,
                inner,
                "Copy the archive again and compare its sha256 with the one Save-OpenImImage reported.");
        }

        /// <summary>
        /// Reads a stream that only supports async reads (the engine's chunked answer) for the tar
        /// reader. It runs on a pool thread, never on the pipeline thread, so waiting here is harmless.
        /// </summary>
        private sealed class SynchronousReader : Stream
        {
            private readonly Stream _inner;
            private readonly CancellationToken _cancellationToken;

            public SynchronousReader(Stream inner, CancellationToken cancellationToken)
            {
                _inner = inner;
                _cancellationToken = cancellationToken;
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
                return _inner.ReadAsync(buffer, offset, count, _cancellationToken).GetAwaiter().GetResult();
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        /// <summary>Counts the bytes written through it.</summary>
        private sealed class CountingStream : Stream
        {
            private readonly Stream _inner;

            public CountingStream(Stream inner)
            {
                _inner = inner;
            }

            public long Count { get; private set; }

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => Count;

            public override long Position
            {
                get => Count;
                set => throw new NotSupportedException();
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                _inner.Write(buffer, offset, count);
                Count += count;
            }

            public override void Flush() => _inner.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
