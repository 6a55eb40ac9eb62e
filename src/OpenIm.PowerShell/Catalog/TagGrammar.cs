using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// The syntax of OCI tags, repository names and digests, and the order that picks a channel's
    /// head.
    /// </summary>
    /// <remarks>
    /// The checks are written out character by character over ASCII on purpose: a regular
    /// expression's <c>$</c> also matches before a final line feed, and culture-aware case rules
    /// map look-alike letters (the Kelvin sign, dotted capital I) onto ASCII ones.
    /// </remarks>
    public static class TagGrammar
    {
        /// <summary>The longest tag the OCI distribution specification allows.</summary>
        public const int MaxTagLength = 128;

        /// <summary>
        /// The longest repository name (path) the OCI distribution specification allows.
        /// </summary>
        public const int MaxRepositoryNameLength = 255;

        /// <summary>The longest part of an error message that quotes user input.</summary>
        private const int MaxQuotedLength = 80;

        /// <summary>Classifies a tag; the same as <see cref="TagInfo.Classify"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="tag"/> is null.</exception>
        public static TagInfo Classify(string tag) => TagInfo.Classify(tag);

        /// <summary>
        /// True when <paramref name="tag"/> is a valid OCI tag: 1 to 128 of ASCII letters, digits,
        /// <c>_</c>, <c>.</c> and <c>-</c>, not starting with <c>.</c> or <c>-</c>.
        /// </summary>
        public static bool IsValidTag(string tag)
        {
            if (string.IsNullOrEmpty(tag) || tag.Length > MaxTagLength)
            {
                return false;
            }

            if (!(IsLowerAlphanumeric(tag[0]) || IsUpperLetter(tag[0]) || tag[0] == '_'))
            {
                return false;
            }

            for (int i = 1; i < tag.Length; i++)
            {
                char c = tag[i];
                bool allowed = IsLowerAlphanumeric(c) || IsUpperLetter(c) || c == '_' || c == '.' || c == '-';
                if (!allowed)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// True when <paramref name="name"/> is a valid OCI repository name such as
        /// <c>openimsdk/openim-server</c>: lowercase ASCII components separated by <c>/</c>, each
        /// <c>[a-z0-9]+</c> joined by <c>.</c>, <c>_</c>, <c>__</c> or dashes, at most 255
        /// characters. A registry host is not part of the name.
        /// </summary>
        public static bool IsValidRepositoryName(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Length > MaxRepositoryNameLength)
            {
                return false;
            }

            foreach (string component in name.Split('/'))
            {
                if (!IsValidPathComponent(component))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// True when <paramref name="digest"/> is <c>sha256:</c> followed by 64 lowercase hex
        /// digits or <c>sha512:</c> followed by 128, the digests registries use for manifests and
        /// blobs.
        /// </summary>
        public static bool IsValidDigest(string digest)
        {
            if (digest == null)
            {
                return false;
            }

            if (digest.StartsWith("sha256:", StringComparison.Ordinal))
            {
                return IsLowerHexTail(digest, "sha256:".Length, 64);
            }

            if (digest.StartsWith("sha512:", StringComparison.Ordinal))
            {
                return IsLowerHexTail(digest, "sha512:".Length, 128);
            }

            return false;
        }

        /// <summary>
        /// Sorts tags newest first (see <see cref="TagComparer"/>); the input is not changed.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="tags"/> is null.</exception>
        public static IReadOnlyList<TagInfo> SortNewestFirst(IEnumerable<TagInfo> tags)
        {
            if (tags == null)
            {
                throw new ArgumentNullException(nameof(tags));
            }

            // OrderBy is a stable sort, so tags the comparer calls equal keep their input order.
            return tags.OrderBy(tag => tag, TagComparer.NewestFirst).ToList();
        }

        /// <summary>
        /// The head of a channel: its newest tag in OpenIM order, skipping pre-releases unless
        /// <paramref name="includePrerelease"/> is set; null when the channel has no such tag.
        /// </summary>
        /// <remarks>
        /// Tags of equal version (<c>v3.8.3</c> and <c>3.8.3</c>) are told apart by form and then
        /// by ordinal, which prefers the <c>v</c> spelling; breaking such ties by image creation
        /// time is the caller's job, because only the registry knows it.
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="tags"/> is null.</exception>
        public static TagInfo SelectHead(
            IEnumerable<TagInfo> tags, OpenImChannel channel, bool includePrerelease)
        {
            if (tags == null)
            {
                throw new ArgumentNullException(nameof(tags));
            }

            TagInfo head = null;
            foreach (TagInfo tag in tags)
            {
                bool wanted = tag != null && tag.Channel == channel && (includePrerelease || !tag.IsPreRelease);
                if (wanted && (head == null || TagComparer.NewestFirst.Compare(tag, head) < 0))
                {
                    head = tag;
                }
            }

            return head;
        }

        /// <summary>
        /// Makes user input safe to show between quotes in a message: control and non-ASCII
        /// characters become <c>\uXXXX</c> and long input is shortened, so that a hostile string
        /// cannot forge lines in a log. The caller adds the quotes.
        /// </summary>
        internal static string Quote(string text)
        {
            if (text == null)
            {
                return "(null)";
            }

            var quoted = new StringBuilder();
            int shown = Math.Min(text.Length, MaxQuotedLength);
            for (int i = 0; i < shown; i++)
            {
                char c = text[i];
                if (c < ' ' || c > '~')
                {
                    quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    quoted.Append(c);
                }
            }

            if (text.Length > shown)
            {
                quoted.Append("... (").Append(text.Length).Append(" characters)");
            }

            return quoted.ToString();
        }

        /// <summary>
        /// One path component: <c>[a-z0-9]+</c> runs joined by <c>.</c>, <c>_</c>, <c>__</c> or
        /// dashes.
        /// </summary>
        private static bool IsValidPathComponent(string component)
        {
            if (component.Length == 0 || !IsLowerAlphanumeric(component[0]))
            {
                return false;
            }

            int i = 1;
            while (i < component.Length)
            {
                char c = component[i];
                if (IsLowerAlphanumeric(c))
                {
                    i++;
                    continue;
                }

                // A separator is exactly ".", "_", "__" or a run of "-", and must be followed
                // by a letter or digit, which rules out "..", "___" and a trailing separator.
                int start = i;
                if (c == '.')
                {
                    i++;
                }
                else if (c == '_')
                {
                    i++;
                    if (i < component.Length && component[i] == '_')
                    {
                        i++;
                    }
                }
                else if (c == '-')
                {
                    while (i < component.Length && component[i] == '-')
                    {
                        i++;
                    }
                }
                else
                {
                    return false;
                }

                if (i == start || i >= component.Length || !IsLowerAlphanumeric(component[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsLowerHexTail(string text, int start, int length)
        {
            if (text.Length != start + length)
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

        private static bool IsLowerAlphanumeric(char c) =>
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        private static bool IsUpperLetter(char c) => c >= 'A' && c <= 'Z';
    }

    /// <summary>
    /// Orders tags newest first: by version in OpenIM order (newest first), tags without a version
    /// last, then by form (in <see cref="TagForm"/> order, so <c>v3.8.3</c> before <c>3.8.3</c>),
    /// then by tag ordinal. Meant for the tags of one channel, but a total order over any tags.
    /// </summary>
    public sealed class TagComparer : IComparer<TagInfo>
    {
        private TagComparer()
        {
        }

        /// <summary>The only instance.</summary>
        public static TagComparer NewestFirst { get; } = new TagComparer();

        /// <summary>
        /// Negative when <paramref name="x"/> comes first (is newer); null TagInfo values go last.
        /// </summary>
        public int Compare(TagInfo x, TagInfo y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x == null || y == null)
            {
                return x == null ? 1 : -1;
            }

            if (x.Version != null || y.Version != null)
            {
                if (x.Version == null || y.Version == null)
                {
                    return x.Version == null ? 1 : -1;
                }

                int byVersion = y.Version.CompareTo(x.Version);
                if (byVersion != 0)
                {
                    return byVersion;
                }
            }

            int byForm = x.Form.CompareTo(y.Form);
            return byForm != 0 ? byForm : Math.Sign(string.CompareOrdinal(x.Tag, y.Tag));
        }
    }
}
