using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenIm.Lab.Seed;

/// <summary>A blob to upload: a layer or a config.</summary>
internal sealed record Blob(string Digest, byte[] Content);

/// <summary>A manifest or index with the media type it is pushed as.</summary>
internal sealed record ManifestBlob(string Digest, string MediaType, byte[] Content);

/// <summary>
/// Everything one build needs in a repository; blobs first, then manifests, then the index.
/// </summary>
internal sealed record BuiltImage(
    IReadOnlyList<Blob> Blobs,
    IReadOnlyList<ManifestBlob> Manifests,
    ManifestBlob Index);

/// <summary>
/// Makes tiny, deterministic images: per platform one gzip tar layer holding a file that names
/// image, build and architecture, a config with matching diff_ids, and an index with an attestation
/// entry as BuildKit writes it. Fixed times and a stored (uncompressed) deflate stream keep every
/// digest the same from run to run.
/// </summary>
internal sealed class ImageFactory
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    private const string OciConfig = "application/vnd.oci.image.config.v1+json";
    private const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";
    private const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    private const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    private const string InToto = "application/vnd.in-toto+json";

    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ConcurrentDictionary<string, BuiltImage> _built = new(StringComparer.Ordinal);

    /// <summary>
    /// Builds once per build; mirrors and all three registries push the same bytes.
    /// </summary>
    public BuiltImage Get(SeedBuild build) => _built.GetOrAdd(build.Key, _ => Create(build));

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private static BuiltImage Create(SeedBuild build)
    {
        var oci = build.Format == ManifestFormat.Oci;
        var blobs = new List<Blob>();
        var manifests = new List<ManifestBlob>();
        var entries = new JsonArray();
        // BuildKit writes linux/arm64 without a variant: v8 is the default, and normalised away.
        string[] platforms = build.Arm64 ? ["amd64", "arm64"] : ["amd64"];
        foreach (var arch in platforms)
        {
            var tar = LayerTar(build, arch);
            var layer = Make(StoredGzip.Compress(tar));
            var config = Make(Serialize(ImageConfig(build, arch, Digest(tar))));
            var manifest = Manifest(
                oci ? OciManifest : DockerManifest,
                Descriptor(oci ? OciConfig : DockerConfig, config),
                Descriptor(oci ? OciLayer : DockerLayer, layer));
            blobs.AddRange([layer, config]);
            manifests.Add(manifest);

            var entry = Descriptor(manifest.MediaType, manifest);
            entry["platform"] = new JsonObject { ["architecture"] = arch, ["os"] = "linux" };
            entries.Add(entry);
        }

        var (attestationBlobs, attestation) = Attestation(build, manifests[0]);
        blobs.AddRange(attestationBlobs);
        manifests.Add(attestation);
        var attestationEntry = Descriptor(OciManifest, attestation);
        attestationEntry["annotations"] = new JsonObject
        {
            ["vnd.docker.reference.digest"] = manifests[0].Digest,
            ["vnd.docker.reference.type"] = "attestation-manifest",
        };
        attestationEntry["platform"] = new JsonObject { ["architecture"] = "unknown", ["os"] = "unknown" };
        entries.Add(attestationEntry);

        var indexType = oci ? OciIndex : DockerList;
        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = indexType, ["manifests"] = entries };
        return new BuiltImage(blobs, manifests, MakeManifest(indexType, index));
    }

    /// <summary>
    /// The one file each platform's layer carries; it says which image, build and CPU it is.
    /// </summary>
    private static byte[] LayerTar(SeedBuild build, string arch)
    {
        var text = $"image={build.Image}\nbuild={build.Id}\narch={arch}\ncreated={Timestamp(build.Created)}\n";
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(TarEntry(TarEntryType.Directory, "openim/", null, build.Created));
            var file = Encoding.UTF8.GetBytes(text);
            writer.WriteEntry(TarEntry(TarEntryType.RegularFile, "openim/image.txt", file, build.Created));
            if (build.PaddingBytes > 0)
            {
                var padding = Padding(build, arch);
                writer.WriteEntry(TarEntry(TarEntryType.RegularFile, "openim/padding.bin", padding, build.Created));
            }
        }

        return tar.ToArray();
    }

    private static UstarTarEntry TarEntry(TarEntryType type, string name, byte[]? content, DateTimeOffset time)
    {
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite
            | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode searchable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute
            | UnixFileMode.OtherExecute;
        var entry = new UstarTarEntry(type, name)
        {
            ModificationTime = time,
            Mode = type == TarEntryType.Directory ? readable | searchable : readable,
            Uid = 0,
            Gid = 0,
        };

        // Directories carry no data; the tar API refuses even an empty stream for them.
        if (content is not null)
        {
            entry.DataStream = new MemoryStream(content);
        }

        return entry;
    }

    /// <summary>
    /// Hash-chained bytes: incompressible like real binaries, yet the same on every run.
    /// </summary>
    private static byte[] Padding(SeedBuild build, string arch)
    {
        var bytes = new byte[build.PaddingBytes];
        var block = SHA256.HashData(Encoding.UTF8.GetBytes($"{build.Key}/{arch}"));
        for (var offset = 0; offset < bytes.Length; offset += block.Length)
        {
            block = SHA256.HashData(block);
            block.AsSpan(0, Math.Min(block.Length, bytes.Length - offset)).CopyTo(bytes.AsSpan(offset));
        }

        return bytes;
    }

    private static JsonObject ImageConfig(SeedBuild build, string arch, string diffId)
    {
        var created = Timestamp(build.Created);
        var config = new JsonObject { ["architecture"] = arch, ["os"] = "linux", ["created"] = created };
        config["config"] = new JsonObject
        {
            ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            ["Cmd"] = new JsonArray("/openim/start.sh"),
            ["WorkingDir"] = "/openim",
            ["Labels"] = new JsonObject
            {
                ["org.opencontainers.image.title"] = build.Image,
                ["org.opencontainers.image.version"] = build.Id,
                ["org.opencontainers.image.created"] = created,
            },
        };
        config["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffId) };
        config["history"] = new JsonArray(new JsonObject
        {
            ["created"] = created,
            ["created_by"] = "COPY image.txt /openim/ # OpenIM lab seed",
        });
        return config;
    }

    /// <summary>
    /// A provenance statement in an OCI manifest, the way BuildKit attaches it to an index.
    /// </summary>
    private static (Blob[] Blobs, ManifestBlob Manifest) Attestation(SeedBuild build, ManifestBlob subject)
    {
        var statement = Make(Serialize(new JsonObject
        {
            ["_type"] = "https://in-toto.io/Statement/v0.1",
            ["predicateType"] = "https://slsa.dev/provenance/v0.2",
            ["subject"] = new JsonArray(new JsonObject
            {
                ["name"] = $"pkg:docker/{build.Image}@{build.Id}?platform=linux%2Famd64",
                ["digest"] = new JsonObject { ["sha256"] = subject.Digest["sha256:".Length..] },
            }),
            ["predicate"] = new JsonObject
            {
                ["builder"] = new JsonObject { ["id"] = "openim-lab-seed" },
                ["metadata"] = new JsonObject { ["buildFinishedOn"] = Timestamp(build.Created) },
            },
        }));
        var config = Make(Serialize(new JsonObject
        {
            ["architecture"] = "unknown",
            ["os"] = "unknown",
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(statement.Digest) },
        }));
        var layer = Descriptor(InToto, statement);
        layer["annotations"] = new JsonObject { ["in-toto.io/predicate-type"] = "https://slsa.dev/provenance/v0.2" };
        return ([statement, config], Manifest(OciManifest, Descriptor(OciConfig, config), layer));
    }

    private static ManifestBlob Manifest(string mediaType, JsonObject config, JsonObject layer) =>
        MakeManifest(mediaType, new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["config"] = config,
            ["layers"] = new JsonArray(layer),
        });

    private static JsonObject Descriptor(string mediaType, Blob blob) =>
        new() { ["mediaType"] = mediaType, ["digest"] = blob.Digest, ["size"] = blob.Content.Length };

    private static JsonObject Descriptor(string mediaType, ManifestBlob manifest) =>
        new() { ["mediaType"] = mediaType, ["digest"] = manifest.Digest, ["size"] = manifest.Content.Length };

    private static Blob Make(byte[] content) => new(Digest(content), content);

    private static ManifestBlob MakeManifest(string mediaType, JsonObject document)
    {
        var content = Serialize(document);
        return new ManifestBlob(Digest(content), mediaType, content);
    }

    private static byte[] Serialize(JsonObject document) => Encoding.UTF8.GetBytes(document.ToJsonString(Compact));

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
}
