using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>Media types of the manifests this client understands.</summary>
    public static class ManifestMediaTypes
    {
        public const string OciIndex = "application/vnd.oci.image.index.v1+json";
        public const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
        public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
        public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

        /// <summary>The Accept header for a manifest request: indexes first, then single manifests.</summary>
        public static readonly string Accept = string.Join(",", OciIndex, DockerList, OciManifest, DockerManifest);

        public static bool IsIndex(string mediaType) => mediaType == OciIndex || mediaType == DockerList;
    }

    /// <summary>One entry of an image index: a manifest for one platform, or an attestation.</summary>
    public sealed class ManifestEntry
    {
        public ManifestEntry(
            string digest,
            string mediaType,
            long size,
            string os,
            string architecture,
            string variant,
            bool isAttestation)
        {
            Digest = digest;
            MediaType = mediaType;
            Size = size;
            OS = os;
            Architecture = architecture;
            Variant = variant;
            IsAttestation = isAttestation;
        }

        public string Digest { get; }

        public string MediaType { get; }

        public long Size { get; }

        public string OS { get; }

        public string Architecture { get; }

        public string Variant { get; }

        /// <summary>True for build attestations (<c>unknown/unknown</c>), which are not platforms.</summary>
        public bool IsAttestation { get; }

        /// <summary>The platform as <c>os/arch[/variant]</c>.</summary>
        public string Platform => OS + "/" + Architecture + (
            string.IsNullOrEmpty(Variant) ? string.Empty : "/" + Variant);
    }

    /// <summary>A blob a manifest refers to: the config or a layer.</summary>
    public sealed class BlobReference
    {
        public BlobReference(string digest, string mediaType, long size)
        {
            Digest = digest;
            MediaType = mediaType;
            Size = size;
        }

        public string Digest { get; }

        public string MediaType { get; }

        public long Size { get; }
    }

    /// <summary>
    /// A manifest as fetched and verified: its digest, media type and size, and either the index
    /// entries or the config and layers.
    /// </summary>
    public sealed class ManifestDocument
    {
        private ManifestDocument(string digest, string mediaType, long size)
        {
            Digest = digest;
            MediaType = mediaType;
            Size = size;
        }

        public string Digest { get; }

        public string MediaType { get; }

        public long Size { get; }

        public bool IsIndex => ManifestMediaTypes.IsIndex(MediaType);

        /// <summary>Index entries (platform manifests and attestations); empty for an image manifest.</summary>
        public IReadOnlyList<ManifestEntry> Entries { get; private set; } = Array.Empty<ManifestEntry>();

        /// <summary>The config blob of an image manifest; null for an index.</summary>
        public BlobReference Config { get; private set; }

        /// <summary>The layers of an image manifest; empty for an index.</summary>
        public IReadOnlyList<BlobReference> Layers { get; private set; } = Array.Empty<BlobReference>();

        /// <summary>The platform entries of an index, attestations left out.</summary>
        public IEnumerable<ManifestEntry> Platforms => Entries.Where(e => !e.IsAttestation);

        /// <summary>
        /// Parses a manifest body. The media type comes from the body, else from the Content-Type
        /// header, else from its shape. Throws <see cref="FormatException"/> for a body that is not one.
        /// </summary>
        public static ManifestDocument Parse(byte[] body, string digest, string contentType)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException ex)
            {
                throw new FormatException("The manifest is not valid JSON: " + ex.Message, ex);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("The manifest is not a JSON object.");
                }

                var mediaType = String(root, "mediaType") ?? contentType;
                if (string.IsNullOrEmpty(mediaType) || mediaType == "application/json")
                {
                    mediaType = root.TryGetProperty("manifests", out _)
                        ? ManifestMediaTypes.OciIndex
                        : ManifestMediaTypes.OciManifest;
                }

                var result = new ManifestDocument(digest, mediaType, body.LongLength);
                if (ManifestMediaTypes.IsIndex(mediaType))
                {
                    result.Entries = ReadEntries(root);
                }
                else if (root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object)
                {
                    result.Config = ReadBlob(config);
                    result.Layers = root.TryGetProperty(
                        "layers",
                        out var layers) && layers.ValueKind == JsonValueKind.Array
                        ? layers.EnumerateArray().Where(
                            l => l.ValueKind == JsonValueKind.Object).Select(ReadBlob).ToArray()
                        : Array.Empty<BlobReference>();
                }
                else
                {
                    throw new FormatException($"The manifest of type '{mediaType}' has neither entries nor a config.");
                }

                return result;
            }
        }

        private static IReadOnlyList<ManifestEntry> ReadEntries(JsonElement root)
        {
            if (!root.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The index has no 'manifests' list.");
            }

            var list = new List<ManifestEntry>();
            foreach (var item in manifests.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || String(item, "digest") == null)
                {
                    continue;
                }

                string os = null, architecture = null, variant = null;
                if (item.TryGetProperty("platform", out var platform) && platform.ValueKind == JsonValueKind.Object)
                {
                    os = String(platform, "os");
                    architecture = String(platform, "architecture");
                    variant = String(platform, "variant");
                }

                var referenceType = item.TryGetProperty("annotations", out var annotations)
                    && annotations.ValueKind == JsonValueKind.Object
                    ? String(annotations, "vnd.docker.reference.type")
                    : null;
                var isAttestation = referenceType == "attestation-manifest"
                    || (os == "unknown" && architecture == "unknown")
                    || string.IsNullOrEmpty(os) || string.IsNullOrEmpty(architecture);
                list.Add(new ManifestEntry(
                    String(item, "digest"),
                    String(item, "mediaType"),
                    Long(item, "size"),
                    os ?? "unknown",
                    architecture ?? "unknown",
                    variant,
                    isAttestation));
            }

            return list;
        }

        private static BlobReference ReadBlob(JsonElement element)
        {
            return new BlobReference(String(element, "digest"), String(element, "mediaType"), Long(element, "size"));
        }

        private static string String(JsonElement element, string name)
        {
            return element.TryGetProperty(
                name,
                out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }

        private static long Long(JsonElement element, string name)
        {
            return element.TryGetProperty(
                name,
                out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
                ? n
                : 0;
        }
    }
}
