using System;
using System.Collections.Generic;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>The part an image plays in an OpenIM deployment.</summary>
    public enum ReleaseRole
    {
        Server,
        Chat,
        WebFront,
        AdminFront,
    }

    /// <summary>
    /// One image of a consistent OpenIM deployment set: its role, and the tag chosen for the set's
    /// line. Image, Tag, Registry, Reference and Digest bind by name to Invoke-OpenImPull.
    /// </summary>
    public sealed class OpenImReleaseMember
    {
        public OpenImReleaseMember(string release, ReleaseRole role, OpenImTag tag)
        {
            Release = release ?? throw new ArgumentNullException(nameof(release));
            Role = role;
            TagInfo = tag ?? throw new ArgumentNullException(nameof(tag));
        }

        /// <summary>The server line the set belongs to, such as <c>3.8</c>.</summary>
        public string Release { get; }

        /// <summary>Server, Chat, WebFront or AdminFront.</summary>
        public ReleaseRole Role { get; }

        public string Image => TagInfo.Image;

        public string Tag => TagInfo.Tag;

        public string Registry => TagInfo.Registry;

        public string Reference => TagInfo.Reference;

        public string Digest => TagInfo.Digest;

        public OpenImVersion Version => TagInfo.Version;

        /// <summary>The platforms checked, when -Platform was given.</summary>
        public IReadOnlyList<string> Platforms => TagInfo.Platforms;

        /// <summary>The tag behind this member.</summary>
        public OpenImTag TagInfo { get; }

        public override string ToString() => Reference;
    }
}
