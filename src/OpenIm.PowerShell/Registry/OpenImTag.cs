using System;
using System.Collections.Generic;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// A tag of an OpenIM image on a registry, classified by channel and version. Its Image, Tag,
    /// Registry, Reference and Digest bind by name to Invoke-OpenImPull and Get-OpenImManifest.
    /// </summary>
    public sealed class OpenImTag
    {
        public OpenImTag(string image, OpenImRegistry registry, TagInfo info)
        {
            Image = image ?? throw new ArgumentNullException(nameof(image));
            RegistryInfo = registry ?? throw new ArgumentNullException(nameof(registry));
            Info = info ?? throw new ArgumentNullException(nameof(info));
            AvailableOn = new[] { registry.Name };
        }

        /// <summary>The image name, such as <c>openim-server</c>.</summary>
        public string Image { get; }

        /// <summary>The tag, such as <c>v3.8.3-patch.15</c>.</summary>
        public string Tag => Info.Tag;

        /// <summary>The registry the tag was read from.</summary>
        public string Registry => RegistryInfo.Name;

        /// <summary>The full reference, such as <c>ghcr.io/openimsdk/openim-server:v3.8.3</c>.</summary>
        public string Reference => RegistryInfo.RepositoryOf(Image) + ":" + Info.Tag;

        /// <summary>Main, Release, Version, Latest or Other.</summary>
        public OpenImChannel Channel => Info.Channel;

        /// <summary>The OpenIM version the tag names, or null (main, latest, sha-...).</summary>
        public OpenImVersion Version => Info.Version;

        /// <summary>True for alpha, beta and rc tags (and their misspellings).</summary>
        public bool IsPreRelease => Info.IsPreRelease;

        /// <summary>The spelling of the tag: Version, BareVersion, ReleaseBranch, MajorMinor...</summary>
        public TagForm Form => Info.Form;

        /// <summary>The manifest digest the tag points to, when it was resolved.</summary>
        public string Digest { get; internal set; }

        /// <summary>The platforms of the tag's image, when they were read (attestations left out).</summary>
        public IReadOnlyList<string> Platforms { get; internal set; }

        /// <summary>The registries the tag was found on (several with -Registry *).</summary>
        public IReadOnlyList<string> AvailableOn { get; internal set; }

        /// <summary>The registry entry the tag was read from.</summary>
        public OpenImRegistry RegistryInfo { get; }

        /// <summary>The parsed tag.</summary>
        public TagInfo Info { get; }

        public override string ToString() => Reference;
    }
}
