using System;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// What a tag of an OpenIM image means: its channel, its spelling and the version it names.
    /// </summary>
    /// <remarks>
    /// Classification is case-sensitive and every recognised form is lowercase: registries treat
    /// <c>Latest</c> and <c>latest</c> as two different tags, and OpenIM's CI only ever moves the
    /// lowercase one, so <c>Latest</c>, <c>MAIN</c> or <c>V3.8.3</c> are <see
    /// cref="TagForm.Unknown"/> tags in the <see cref="OpenImChannel.Other"/> channel rather than
    /// aliases that could point at anything.
    /// </remarks>
    public sealed class TagInfo
    {
        private TagInfo(string tag, OpenImChannel channel, TagForm form, OpenImVersion version)
        {
            Tag = tag;
            Channel = channel;
            Form = form;
            Version = version;
        }

        /// <summary>The tag exactly as given.</summary>
        public string Tag { get; }

        /// <summary>
        /// The channel the tag belongs to; <see cref="OpenImChannel.Other"/> when unrecognised.
        /// </summary>
        public OpenImChannel Channel { get; }

        /// <summary>The spelling of the tag.</summary>
        public TagForm Form { get; }

        /// <summary>
        /// The version the tag names: set for release branches, version tags and <c>X.Y</c> tags;
        /// null for <c>main</c>, <c>latest</c>, <c>X</c>, <c>sha-</c>, <c>nightly</c>, <c>pr-N</c>
        /// and unknown tags.
        /// </summary>
        public OpenImVersion Version { get; }

        /// <summary>
        /// True when the tag names an alpha, beta, rc or other labelled pre-release.
        /// </summary>
        public bool IsPreRelease => Version != null && Version.IsPreRelease;

        /// <summary>
        /// True when the tag may be moved to another image later (<c>main</c>, release branches,
        /// <c>latest</c>, <c>X.Y</c>, <c>X</c>, <c>nightly</c>, <c>pr-N</c>, unknown tags); false
        /// for version and <c>sha-</c> tags, which OpenIM never overwrites.
        /// </summary>
        public bool IsRolling =>
            Form != TagForm.Version && Form != TagForm.BareVersion && Form != TagForm.Sha;

        /// <summary>
        /// Classifies a tag; never throws for a non-null string, and answers <see
        /// cref="OpenImChannel.Other"/> with <see cref="TagForm.Unknown"/> for anything it does not
        /// recognise, invalid tags included.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="tag"/> is null.</exception>
        public static TagInfo Classify(string tag)
        {
            if (tag == null)
            {
                throw new ArgumentNullException(nameof(tag));
            }

            // OpenIM's tags are all lowercase; the remarks on the type say why case is not folded.
            if (!TagGrammar.IsValidTag(tag) || HasUppercase(tag))
            {
                return Unknown(tag);
            }

            switch (tag)
            {
                case "main":
                    return new TagInfo(tag, OpenImChannel.Main, TagForm.Main, null);
                case "latest":
                    return new TagInfo(tag, OpenImChannel.Latest, TagForm.Latest, null);
                case "nightly":
                    return new TagInfo(tag, OpenImChannel.Other, TagForm.Nightly, null);
            }

            const string releasePrefix = "release-";
            if (tag.StartsWith(releasePrefix + "v", StringComparison.Ordinal))
            {
                string branchVersion = tag.Substring(releasePrefix.Length);
                return OpenImVersion.TryParse(branchVersion, out OpenImVersion branch)
                    ? new TagInfo(tag, OpenImChannel.Release, TagForm.ReleaseBranch, branch)
                    : Unknown(tag);
            }

            if (tag.StartsWith("sha-", StringComparison.Ordinal))
            {
                return IsLowerHex(tag, 4, 7, 40)
                    ? new TagInfo(tag, OpenImChannel.Other, TagForm.Sha, null)
                    : Unknown(tag);
            }

            if (tag.StartsWith("pr-", StringComparison.Ordinal))
            {
                int pos = 3;
                return OpenImVersion.TryReadNumber(tag, ref pos, out _) && pos == tag.Length
                    ? new TagInfo(tag, OpenImChannel.Other, TagForm.PullRequest, null)
                    : Unknown(tag);
            }

            return ClassifyNumeric(tag);
        }

        /// <summary>The tag as given, so that a TagInfo prints like the tag it describes.</summary>
        public override string ToString() => Tag;

        /// <summary>
        /// Classifies <c>vX.Y.Z...</c>, <c>X.Y.Z...</c>, <c>X.Y</c> and <c>X</c>, with or without
        /// <c>v</c>.
        /// </summary>
        private static TagInfo ClassifyNumeric(string tag)
        {
            bool hasV = tag[0] == 'v';
            if (OpenImVersion.TryParse(tag, out OpenImVersion version))
            {
                if (version.ComponentCount == 2)
                {
                    return new TagInfo(tag, OpenImChannel.Other, TagForm.MajorMinor, version);
                }

                TagForm form = hasV ? TagForm.Version : TagForm.BareVersion;
                return new TagInfo(tag, OpenImChannel.Version, form, version);
            }

            int pos = hasV ? 1 : 0;
            if (OpenImVersion.TryReadNumber(tag, ref pos, out _) && pos == tag.Length)
            {
                return new TagInfo(tag, OpenImChannel.Other, TagForm.Major, null);
            }

            return Unknown(tag);
        }

        private static TagInfo Unknown(string tag) =>
            new TagInfo(tag, OpenImChannel.Other, TagForm.Unknown, null);

        private static bool HasUppercase(string text)
        {
            foreach (char c in text)
            {
                if (c >= 'A' && c <= 'Z')
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsLowerHex(string text, int start, int minLength, int maxLength)
        {
            int length = text.Length - start;
            if (length < minLength || length > maxLength)
            {
                return false;
            }

            for (int i = start; i < text.Length; i++)
            {
                char c = text[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
