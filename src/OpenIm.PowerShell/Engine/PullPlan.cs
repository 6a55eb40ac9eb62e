using System.Collections.Generic;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>What one pull will do: which image and tag, which digest it must have, where from.</summary>
    public sealed class PullPlan
    {
        public PullPlan(
            string image,
            string tag,
            string digest,
            OpenImRegistry authority,
            IReadOnlyList<OpenImRegistry> candidates,
            string localRepository,
            PlatformSpec platform)
        {
            Image = image;
            Tag = tag;
            Digest = digest;
            Authority = authority;
            Candidates = candidates;
            LocalRepository = localRepository;
            Platform = platform;
        }

        public string Image { get; }

        public string Tag { get; }

        /// <summary>The digest the content must have; null with -SkipVerify (pull by tag).</summary>
        public string Digest { get; }

        /// <summary>The registry whose answer fixed the digest: the first in priority order that answered.</summary>
        public OpenImRegistry Authority { get; }

        /// <summary>Registries to pull from, in order.</summary>
        public IReadOnlyList<OpenImRegistry> Candidates { get; }

        /// <summary>The repository name the image gets on the engine (the requested one).</summary>
        public string LocalRepository { get; }

        /// <summary>The platform asked for, or null for the engine's own.</summary>
        public PlatformSpec Platform { get; }

        /// <summary>The local name with its tag.</summary>
        public string LocalReference => LocalRepository + ":" + Tag;
    }
}
