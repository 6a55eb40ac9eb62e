namespace OpenIm.Lab.Seed;

/// <summary>
/// Writes a seed straight into the filesystem storage of registry 2.8, file for file what its API
/// writes for the same pushes: each blob, manifest and index once under blobs/; per repository a
/// link per blob in _layers and per manifest or index in _manifests/revisions; per tag a current
/// link and one index entry. Registry 2.8 without a cache section reads storage on every request,
/// so it serves these files as if they had been pushed. Pushing cost the registries milliseconds of
/// CPU for each of 6,462 requests; writing the 9,175 files of all three takes a fraction of that.
/// </summary>
internal static class StorageWriter
{
    /// <summary>Writes the targets of one registry; returns how many files it wrote.</summary>
    public static int Write(string storage, IReadOnlyList<SeedTarget> targets, ImageFactory factory)
    {
        var root = Path.Combine(Path.GetFullPath(storage), "docker", "registry", "v2");
        var writer = new Writer(root);
        foreach (var target in targets)
        {
            var repository = Path.Combine(root, "repositories", target.Path);
            foreach (var build in target.Tags.GroupBy(t => t.Value.Key))
            {
                var image = factory.Get(build.First().Value);
                foreach (var blob in image.Blobs)
                {
                    writer.Blob(blob.Digest, blob.Content);
                    writer.Link(Path.Combine(repository, "_layers"), blob.Digest);
                }

                foreach (var manifest in image.Manifests.Append(image.Index))
                {
                    writer.Blob(manifest.Digest, manifest.Content);
                    writer.Link(Path.Combine(repository, "_manifests", "revisions"), manifest.Digest);
                }

                foreach (var tag in build.Select(t => t.Key))
                {
                    // What a manifest PUT by tag leaves: the tag's current digest and its history of one.
                    var folder = Path.Combine(repository, "_manifests", "tags", tag);
                    writer.Text(Path.Combine(folder, "current", "link"), image.Index.Digest);
                    writer.Link(Path.Combine(folder, "index"), image.Index.Digest);
                }
            }
        }

        return writer.Files;
    }

    private sealed class Writer(string root)
    {
        // One registry's storage holds each blob once, however many builds and repositories share it.
        private readonly HashSet<string> _blobs = new(StringComparer.Ordinal);

        public int Files { get; private set; }

        public void Blob(string digest, byte[] content)
        {
            if (_blobs.Add(digest))
            {
                var hex = Hex(digest);
                Put(Path.Combine(root, "blobs", "sha256", hex[..2], hex, "data"), content);
            }
        }

        /// <summary>A link file as the registry names it: sha256/&lt;hex&gt;/link, holding the digest.</summary>
        public void Link(string folder, string digest) =>
            Text(Path.Combine(folder, "sha256", Hex(digest), "link"), digest);

        /// <summary>Link files hold the bare digest, without a line end.</summary>
        public void Text(string path, string digest) => Put(path, System.Text.Encoding.ASCII.GetBytes(digest));

        private void Put(string path, byte[] content)
        {
            // Every file of this layout sits in a folder of its own, named by digest or tag.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
            Files++;
        }

        private static string Hex(string digest) =>
            digest.StartsWith("sha256:", StringComparison.Ordinal)
                ? digest["sha256:".Length..]
                : throw new InvalidDataException($"{digest} is not a sha256 digest.");
    }
}
