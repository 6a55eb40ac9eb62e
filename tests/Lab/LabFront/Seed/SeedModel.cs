using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenIm.Lab.Seed;

/// <summary>
/// Docker manifest list with Docker v2 manifests (older releases), or OCI index with OCI manifests.
/// </summary>
internal enum ManifestFormat
{
    Docker,
    Oci,
}

/// <summary>One build of an image; every tag that points at it shares its index digest.</summary>
internal sealed record SeedBuild(string Image, string Id, DateTimeOffset Created, ManifestFormat Format)
{
    /// <summary>False for a build published for linux/amd64 only.</summary>
    public bool Arm64 { get; init; } = true;

    /// <summary>
    /// Extra bytes in each platform's layer, for pull benchmarks that need weight.
    /// </summary>
    public int PaddingBytes { get; init; }

    public string Key => $"{Image}@{Id}";
}

/// <summary>
/// A repository as the stand-ins hold it: per stand-in, which tag names which build.
/// </summary>
internal sealed class SeedRepository
{
    private readonly Dictionary<StandIn, SortedDictionary<string, string>> _tags = [];
    private readonly Func<string, SeedBuild> _builds;

    public SeedRepository(
        string name,
        IReadOnlyCollection<StandIn> on,
        Func<string, SeedBuild> builds,
        string? mountFrom = null)
    {
        Name = name;
        On = on;
        MountFrom = mountFrom;
        _builds = builds;
        foreach (var standIn in on)
        {
            _tags[standIn] = new SortedDictionary<string, string>(StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// The name under the stand-in's namespace, or a full name such as private/openim-server.
    /// </summary>
    public string Name { get; }

    public IReadOnlyCollection<StandIn> On { get; }

    /// <summary>
    /// The repository whose blobs this one shares, mounted instead of uploaded again.
    /// </summary>
    public string? MountFrom { get; }

    public static string PathOf(string name, string ns) => name.Contains('/') ? name : $"{ns}/{name}";

    /// <summary>
    /// A repository that carries some tags of another image's history, with the same builds.
    /// </summary>
    public static SeedRepository Mirror(string name, ImageHistory source, StandIn on, params string[] tags)
    {
        var mirror = new SeedRepository(name, [on], source.Build, mountFrom: source.Image);
        foreach (var tag in tags)
        {
            var id = source.Repository.BuildIdOf(on, tag)
                ?? throw new InvalidOperationException($"{source.Image} has no tag {tag} on {on} to mirror.");
            mirror.Tag(tag, id);
        }

        return mirror;
    }

    public void Tag(string tag, string buildId, IEnumerable<StandIn>? on = null)
    {
        foreach (var standIn in on ?? On)
        {
            if (_tags.TryGetValue(standIn, out var tags))
            {
                tags[tag] = buildId;
            }
        }
    }

    /// <summary>
    /// Removes every tag of one build from one stand-in, as if the push there never happened.
    /// </summary>
    public void Untag(StandIn standIn, string buildId)
    {
        var tags = _tags[standIn];
        foreach (var tag in tags.Where(t => t.Value == buildId).Select(t => t.Key).ToList())
        {
            tags.Remove(tag);
        }
    }

    public string? BuildIdOf(StandIn standIn, string tag) =>
        _tags.TryGetValue(standIn, out var tags) && tags.TryGetValue(tag, out var id) ? id : null;

    public IReadOnlyDictionary<string, SeedBuild> TagsOn(StandIn standIn) =>
        _tags.TryGetValue(standIn, out var tags)
            ? tags.ToDictionary(t => t.Key, t => _builds(t.Value), StringComparer.Ordinal)
            : new Dictionary<string, SeedBuild>();
}

/// <summary>
/// Writes one image's history the way OpenIM's CI tagged it, so the catalog reads like a list of
/// releases. Each method adds one build and the tags CI gave it; the drift methods bend one registry.
/// </summary>
internal sealed class ImageHistory
{
    private readonly Dictionary<string, SeedBuild> _builds = new(StringComparer.Ordinal);
    private readonly Dictionary<Version, string> _fullFormReleases = [];

    public ImageHistory(string image, params StandIn[] on)
    {
        Repository = new SeedRepository(image, on, Build);
    }

    public SeedRepository Repository { get; }

    public string Image => Repository.Name;

    /// <summary>
    /// First release pushed as X.Y.Z, X.Y, X and sha-&lt;7 hex&gt; besides vX.Y.Z.
    /// </summary>
    public Version FormsFrom { get; init; } = new(0, 0, 0);

    /// <summary>First release built as OCI index; older ones are Docker manifest lists.</summary>
    public Version OciFrom { get; init; } = new(0, 0, 0);

    /// <summary>
    /// Releases from this one (inclusive) to DockerHubBareBefore that Docker Hub got only as X.Y.Z.
    /// </summary>
    public Version? DockerHubBareFrom { get; init; }

    public Version? DockerHubBareBefore { get; init; }

    /// <summary>First stable release that also got a release-vX.Y.Z tag.</summary>
    public Version? ReleaseTagFrom { get; init; }

    /// <summary>Extra bytes per layer for every build of this image.</summary>
    public int PaddingBytes { get; init; }

    public SeedBuild Build(string id) => _builds[id];

    public ImageHistory Stable(string version, string date)
    {
        var release = BaseVersion(version)!;
        AddBuild(version, date, release);
        VersionTags(version, release, version);
        if (release >= FormsFrom)
        {
            _fullFormReleases[release] = version;
        }

        if (ReleaseTagFrom is not null && release >= ReleaseTagFrom)
        {
            Repository.Tag("release-" + version, version);
        }

        return this;
    }

    /// <summary>A fix after the release: vX.Y.Z-patch.N, X.Y.Z-patch.N and sha-; never X.Y or latest.</summary>
    public ImageHistory Patch(string release, int number, string date, bool bareForm = true)
    {
        var id = $"{release}-patch.{number}";
        AddBuild(id, date, BaseVersion(release));
        Repository.Tag(id, id);
        if (bareForm)
        {
            Repository.Tag(id[1..], id);
        }

        Repository.Tag(Sha(id), id);
        return this;
    }

    public ImageHistory Prerelease(string tag, string date)
    {
        var version = BaseVersion(tag)!;
        AddBuild(tag, date, version);
        VersionTags(tag, version, tag);
        return this;
    }

    /// <summary>
    /// A branch build (release-vX.Y, main, nightly): its own digest, rebuilt on every push.
    /// </summary>
    public ImageHistory Branch(string name, string date) => Tagged(name, date);

    /// <summary>A build known by exactly one tag.</summary>
    public ImageHistory Tagged(string tag, string date)
    {
        AddBuild(tag, date, BaseVersion(tag));
        Repository.Tag(tag, tag);
        return this;
    }

    public ImageHistory Latest(string buildId)
    {
        Repository.Tag("latest", buildId);
        return this;
    }

    /// <summary>
    /// X.Y and X follow the newest release of their line; call after the stable releases.
    /// </summary>
    public ImageHistory LineTags()
    {
        foreach (var line in _fullFormReleases.Keys.GroupBy(v => (v.Major, v.Minor)))
        {
            Repository.Tag($"{line.Key.Major}.{line.Key.Minor}", _fullFormReleases[line.Max()!]);
        }

        foreach (var major in _fullFormReleases.Keys.GroupBy(v => v.Major))
        {
            Repository.Tag($"{major.Key}", _fullFormReleases[major.Max()!]);
        }

        return this;
    }

    /// <summary>
    /// Drift: a build published for linux/amd64 only (its index still has an attestation).
    /// </summary>
    public ImageHistory Amd64Only(string buildId)
    {
        _builds[buildId] = _builds[buildId] with { Arm64 = false };
        return this;
    }

    /// <summary>Drift: a build whose push to one registry never happened.</summary>
    public ImageHistory MissingOn(StandIn standIn, string buildId)
    {
        Repository.Untag(standIn, buildId);
        return this;
    }

    /// <summary>
    /// Drift: one registry's tag points at another build than the other registries'.
    /// </summary>
    public ImageHistory RebuiltOn(StandIn standIn, string tag, string date)
    {
        var id = $"{tag}+{standIn}";
        AddBuild(id, date, BaseVersion(tag));
        Repository.Tag(tag, id, [standIn]);
        return this;
    }

    /// <summary>
    /// vX.Y.Z, plus X.Y.Z and sha- from FormsFrom on; Docker Hub's bare-only years get X.Y.Z alone.
    /// </summary>
    private void VersionTags(string tag, Version version, string buildId)
    {
        var bareOnlyOnHub = DockerHubBareFrom is not null && DockerHubBareBefore is not null
            && version >= DockerHubBareFrom && version < DockerHubBareBefore;
        var allButHub = Repository.On.Where(s => s != StandIn.DockerHub).ToList();
        Repository.Tag(tag, buildId, bareOnlyOnHub ? allButHub : null);
        if (version >= FormsFrom)
        {
            Repository.Tag(tag[1..], buildId);
            Repository.Tag(Sha(buildId), buildId);
        }
        else if (bareOnlyOnHub)
        {
            Repository.Tag(tag[1..], buildId, [StandIn.DockerHub]);
        }
    }

    private void AddBuild(string id, string date, Version? version)
    {
        var format = version is null || version >= OciFrom ? ManifestFormat.Oci : ManifestFormat.Docker;
        var created = new DateTimeOffset(DateOnly.Parse(date), new TimeOnly(8, 0), TimeSpan.Zero);
        _builds[id] = new SeedBuild(Image, id, created, format) { PaddingBytes = PaddingBytes };
    }

    /// <summary>A commit-like tag, fixed per build so every run seeds the same name.</summary>
    private string Sha(string buildId) =>
        "sha-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Image}@{buildId}")))[..7];

    /// <summary>
    /// The X.Y.Z a tag is about (v3.8.3-patch.1, 3.8.3, release-v3.8 give 3.8.3, 3.8.3, 3.8.0).
    /// </summary>
    private static Version? BaseVersion(string tag)
    {
        var match = VersionPrefix.Match(tag);
        if (!match.Success)
        {
            return null;
        }

        var patch = match.Groups[3].Success ? int.Parse(match.Groups[3].Value) : 0;
        return new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), patch);
    }

    // Interpreted, not [GeneratedRegex]: the regex source generator took a fifth of LabFront's compile time.
    private static readonly Regex VersionPrefix = new(@"^(?:release-)?v?(\d+)\.(\d+)(?:\.(\d+))?");
}
