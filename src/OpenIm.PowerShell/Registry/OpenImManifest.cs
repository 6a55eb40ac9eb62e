using System;
using System.Collections.Generic;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>One platform of a multi-platform image.</summary>
    public sealed class OpenImPlatform
    {
        public OpenImPlatform(string platform, string digest, long size)
        {
            Platform = platform;
            Digest = digest;
            Size = size;
        }

        /// <summary>The platform, such as <c>linux/arm64</c>.</summary>
        public string Platform { get; }

        /// <summary>The digest of that platform's manifest.</summary>
        public string Digest { get; }

        /// <summary>The download size of that platform's image: its config and layers, in bytes.</summary>
        public long Size { get; }

        public override string ToString() => Platform;
    }

    /// <summary>The manifest behind a tag: digest, media type, size, platforms and creation time.</summary>
    public sealed class OpenImManifest
    {
        public OpenImManifest(
            string image,
            string tag,
            string registry,
            string reference,
            string digest,
            string mediaType,
            long size,
            IReadOnlyList<OpenImPlatform> platforms,
            DateTimeOffset? created)
        {
            Image = image;
            Tag = tag;
            Registry = registry;
            Reference = reference;
            Digest = digest;
            MediaType = mediaType;
            Size = size;
            Platforms = platforms ?? Array.Empty<OpenImPlatform>();
            Created = created;
        }

        public string Image { get; }

        public string Tag { get; }

        public string Registry { get; }

        /// <summary>The reference the manifest was read by.</summary>
        public string Reference { get; }

        /// <summary>The manifest's digest: what a pull by digest would fetch.</summary>
        public string Digest { get; }

        /// <summary>OCI index, Docker manifest list, or a single-platform manifest type.</summary>
        public string MediaType { get; }

        /// <summary>
        /// For a single-platform manifest, its config and layers in bytes (the download size); for an
        /// index, the size of the index document itself.
        /// </summary>
        public long Size { get; }

        /// <summary>The platforms the image exists for; attestation entries are not platforms.</summary>
        public IReadOnlyList<OpenImPlatform> Platforms { get; }

        /// <summary>When the image was built, when asked for with -IncludeCreated.</summary>
        public DateTimeOffset? Created { get; }

        public override string ToString() => Reference + "@" + Digest;
    }
}
