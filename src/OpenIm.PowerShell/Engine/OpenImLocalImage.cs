using System;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>An OpenIM image on a Docker engine, mapped back to image, registry, tag and channel.</summary>
    public sealed class OpenImLocalImage
    {
        public OpenImLocalImage(
            string image,
            string registry,
            string tag,
            TagInfo info,
            string reference,
            string digest,
            string imageId,
            DateTimeOffset? created,
            long size,
            string dockerHost)
        {
            Image = image;
            Registry = registry;
            Tag = tag;
            Info = info;
            Reference = reference;
            LocalDigest = digest;
            ImageId = imageId;
            Created = created;
            Size = size;
            DockerHost = dockerHost;
        }

        public string Image { get; }

        /// <summary>The registry the local name belongs to.</summary>
        public string Registry { get; }

        public string Tag { get; }

        /// <summary>Main, Release, Version, Latest or Other.</summary>
        public OpenImChannel Channel => Info.Channel;

        /// <summary>The OpenIM version the tag names, or null.</summary>
        public OpenImVersion Version => Info.Version;

        /// <summary>The local name, such as <c>ghcr.io/openimsdk/openim-server:v3.8.3</c>.</summary>
        public string Reference { get; }

        /// <summary>
        /// The manifest digest the engine recorded for it, when it knows one. It is not named Digest so
        /// that piping into Invoke-OpenImPull pulls what the tag points to now, not the local content.
        /// </summary>
        public string LocalDigest { get; }

        public string ImageId { get; }

        public DateTimeOffset? Created { get; }

        /// <summary>The image's size on the engine in bytes.</summary>
        public long Size { get; }

        public string DockerHost { get; }

        /// <summary>With -Outdated: the digest the registry has for the tag now.</summary>
        public string RemoteDigest { get; internal set; }

        /// <summary>With -Outdated: true when the registry's tag now points at other content.</summary>
        public bool? IsOutdated { get; internal set; }

        /// <summary>The parsed tag.</summary>
        public TagInfo Info { get; }
    }
}
