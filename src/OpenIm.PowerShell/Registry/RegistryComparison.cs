using System;
using System.Collections.Generic;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>How a tag looks across registries.</summary>
    public enum SyncStatus
    {
        /// <summary>Every registry has the tag with the same digest.</summary>
        InSync,

        /// <summary>Some registry lacks the tag; those that have it agree.</summary>
        Missing,

        /// <summary>Some registry has the tag with another digest.</summary>
        Drifted,

        /// <summary>A registry could not be asked, so the comparison is incomplete.</summary>
        Unknown,
    }

    /// <summary>The digest of a tag on one registry.</summary>
    public sealed class RegistryDigest
    {
        public RegistryDigest(string registry, string digest, SyncStatus status, string error)
        {
            Registry = registry;
            Digest = digest;
            Status = status;
            Error = error;
        }

        public string Registry { get; }

        /// <summary>The digest there, or null when the tag is missing or the registry failed.</summary>
        public string Digest { get; }

        /// <summary>InSync with the reference digest, Missing, Drifted, or Unknown on failure.</summary>
        public SyncStatus Status { get; }

        /// <summary>Why the registry could not be asked, when it could not.</summary>
        public string Error { get; }
    }

    /// <summary>One tag of one image compared across registries.</summary>
    public sealed class OpenImRegistryComparison
    {
        public OpenImRegistryComparison(
            string image,
            string tag,
            SyncStatus status,
            string digest,
            IReadOnlyList<RegistryDigest> registries)
        {
            Image = image;
            Tag = tag;
            Status = status;
            Digest = digest;
            Registries = registries ?? Array.Empty<RegistryDigest>();
            var missing = new List<string>();
            var drifted = new List<string>();
            foreach (var entry in Registries)
            {
                if (entry.Status == SyncStatus.Missing)
                {
                    missing.Add(entry.Registry);
                }
                else if (entry.Status == SyncStatus.Drifted)
                {
                    drifted.Add(entry.Registry);
                }
            }

            MissingOn = missing;
            DriftedOn = drifted;
        }

        public string Image { get; }

        public string Tag { get; }

        /// <summary>InSync, Missing, Drifted (Drifted wins over Missing), or Unknown.</summary>
        public SyncStatus Status { get; }

        /// <summary>The reference digest: the one on the first registry, in priority order, that has the tag.</summary>
        public string Digest { get; }

        /// <summary>Each registry's digest and status.</summary>
        public IReadOnlyList<RegistryDigest> Registries { get; }

        /// <summary>The registries that lack the tag.</summary>
        public IReadOnlyList<string> MissingOn { get; }

        /// <summary>The registries whose digest differs from the reference digest.</summary>
        public IReadOnlyList<string> DriftedOn { get; }
    }
}
