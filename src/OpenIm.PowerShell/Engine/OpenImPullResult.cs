using System;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>How a pull ended.</summary>
    public enum PullStatus
    {
        /// <summary>New content came onto the engine, or the name now points at other content.</summary>
        Pulled,

        /// <summary>The engine already had exactly this image under this name.</summary>
        UpToDate,
    }

    /// <summary>One image pulled onto one engine, as the engine reports it after the pull.</summary>
    public sealed class OpenImPullResult
    {
        public OpenImPullResult(
            string image,
            string tag,
            string registry,
            string reference,
            string source,
            string digest,
            string imageId,
            string platform,
            string dockerHost,
            PullStatus status,
            TimeSpan duration,
            long bytes)
        {
            Image = image;
            Tag = tag;
            Registry = registry;
            Reference = reference;
            Source = source;
            Digest = digest;
            ImageId = imageId;
            Platform = platform;
            DockerHost = dockerHost;
            Status = status;
            Duration = duration;
            Bytes = bytes;
        }

        public string Image { get; }

        public string Tag { get; }

        /// <summary>The registry the content came from.</summary>
        public string Registry { get; }

        /// <summary>
        /// The name the image has on the engine now, such as <c>ghcr.io/openimsdk/openim-
        /// server:v3.8.3</c>.
        /// </summary>
        public string Reference { get; }

        /// <summary>What the engine pulled, by digest unless -SkipVerify.</summary>
        public string Source { get; }

        /// <summary>The manifest digest that was verified and pulled.</summary>
        public string Digest { get; }

        /// <summary>The engine's image id.</summary>
        public string ImageId { get; }

        /// <summary>The platform of the image on the engine, such as <c>linux/amd64</c>.</summary>
        public string Platform { get; }

        /// <summary>The engine the image was pulled onto.</summary>
        public string DockerHost { get; }

        /// <summary>Pulled or UpToDate.</summary>
        public PullStatus Status { get; }

        /// <summary>How long the pull took.</summary>
        public TimeSpan Duration { get; }

        /// <summary>Bytes downloaded (compressed layer sizes as the engine reports them).</summary>
        public long Bytes { get; }
    }
}
