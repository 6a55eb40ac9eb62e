using System;
using System.Collections.Generic;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>An archive written by Save-OpenImImage.</summary>
    public sealed class OpenImArchive
    {
        public OpenImArchive(
            string path,
            string sha256,
            long size,
            IReadOnlyList<ArchiveImage> images,
            string dockerHost)
        {
            Path = path;
            Sha256 = sha256;
            Size = size;
            Images = images ?? Array.Empty<ArchiveImage>();
            DockerHost = dockerHost;
        }

        /// <summary>The archive file.</summary>
        public string Path { get; }

        /// <summary>The sha256 of the whole file: compare it after copying the archive to an offline host.</summary>
        public string Sha256 { get; }

        /// <summary>The file's size in bytes.</summary>
        public long Size { get; }

        /// <summary>The images inside, as the archive's manifest lists them.</summary>
        public IReadOnlyList<ArchiveImage> Images { get; }

        /// <summary>The engine the images were saved from.</summary>
        public string DockerHost { get; }
    }

    /// <summary>One image loaded from an archive into an engine and checked there.</summary>
    public sealed class OpenImImportResult
    {
        public OpenImImportResult(ArchiveImage image, string imageId, string dockerHost)
        {
            Image = image.Image;
            Tag = image.Tag;
            Registry = image.Registry;
            Reference = image.Reference;
            Digest = image.Digest;
            ImageId = imageId;
            DockerHost = dockerHost;
        }

        public string Image { get; }

        public string Tag { get; }

        public string Registry { get; }

        /// <summary>The name the image has on the engine.</summary>
        public string Reference { get; }

        /// <summary>The registry digest recorded when the image was saved.</summary>
        public string Digest { get; }

        /// <summary>The image id on the engine, equal to the one recorded in the archive.</summary>
        public string ImageId { get; }

        public string DockerHost { get; }
    }
}
