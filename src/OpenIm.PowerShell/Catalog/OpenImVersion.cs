using System;
using System.Globalization;
using System.Text;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// An OpenIM version such as <c>3.8.3</c>, <c>3.5.0-rc.8</c>, <c>3.8.3-patch.2</c> or the
    /// release line <c>3.8</c>, ordered the way OpenIM publishes them rather than by SemVer.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Order: major, minor and build numbers first. Within one <c>X.Y.Z</c>, pre-releases come
    /// first (labels this module does not know, by ordinal, then <c>alpha</c>, <c>beta</c>,
    /// <c>rc</c>, each by number), then the release itself, then its fixes <c>-patch.1</c>,
    /// <c>-patch.2</c> and so on, because OpenIM publishes <c>vX.Y.Z-patch.N</c> after
    /// <c>vX.Y.Z</c>.
    /// </para>
    /// <para>
    /// A two-component version (<c>3.8</c>, as in the branch <c>release-v3.8</c>) names a line from
    /// its start: it sorts before every <c>3.8.Z</c> including its pre-releases, so <c>3.8 &lt;
    /// 3.8.0-rc.0 &lt; 3.8.0 &lt; 3.8.3</c>, and the branch <c>release-v3.8.3</c> counts as newer
    /// than <c>release-v3.8</c>. <c>3.8</c> and <c>3.8.0</c> are therefore not equal.
    /// </para>
    /// <para>
    /// Parsing accepts a leading <c>v</c> or <c>V</c>, labels in any case, the typo <c>bate</c> for
    /// <c>beta</c>, and the old dotted spellings <c>1.3.0.rc.0</c> and <c>1.3.1.beta.0</c>. Numbers
    /// have no leading zeros, so that equal versions always print the same.
    /// </para>
    /// </remarks>
    public sealed class OpenImVersion
        : IComparable<OpenImVersion>, IEquatable<OpenImVersion>, IComparable
    {
        internal const string AcceptedForms =
            "X.Y, X.Y.Z, X.Y.Z-alpha.N, X.Y.Z-beta.N, X.Y.Z-rc.N or X.Y.Z-patch.N, "
            + "each with or without a leading 'v' (for example v3.8.3-patch.2, 3.5.0-rc.8, 3.8)";

        private const string PatchLabel = "patch";

        private static readonly StringComparer Ordinal = StringComparer.Ordinal;

        /// <summary>
        /// Creates a version from its parts; <paramref name="preReleaseLabel"/> is normalized the
        /// way <see cref="Parse"/> does it (lowercase, <c>bate</c> read as <c>beta</c>), and an empty
        /// label means none, because PowerShell passes <c>$null</c> to a string parameter as "".
        /// </summary>
        /// <exception cref="ArgumentException">
        /// A number is negative, a suffix is given without a build number, both a pre-release and a
        /// patch are given, or the label is not ASCII letters and digits starting with a letter.
        /// </exception>
        public OpenImVersion(
            int major,
            int minor,
            int? build = null,
            string preReleaseLabel = null,
            int? preReleaseNumber = null,
            int? patchNumber = null)
        {
            if (major < 0 || minor < 0 || build < 0 || preReleaseNumber < 0 || patchNumber < 0)
            {
                throw new ArgumentException("Version numbers cannot be negative.");
            }

            string label = null;
            if (!string.IsNullOrEmpty(preReleaseLabel))
            {
                label = NormalizeLabel(preReleaseLabel);
                if (label == null || label == PatchLabel)
                {
                    throw new ArgumentException(
                        "A pre-release label is ASCII letters and digits starting with a letter, "
                        + "and not 'patch'.",
                        nameof(preReleaseLabel));
                }
            }

            if (preReleaseNumber.HasValue && label == null)
            {
                throw new ArgumentException(
                    "A pre-release number needs a label.", nameof(preReleaseNumber));
            }

            if (label != null && patchNumber.HasValue)
            {
                throw new ArgumentException(
                    "A version is either a pre-release or a patch, not both.");
            }

            if (!build.HasValue && (label != null || patchNumber.HasValue))
            {
                throw new ArgumentException(
                    "Only an X.Y.Z version can carry a pre-release or patch suffix.");
            }

            Major = major;
            Minor = minor;
            Build = build;
            PreReleaseLabel = label;
            PreReleaseNumber = preReleaseNumber;
            PatchNumber = patchNumber;
        }

        /// <summary>The first number: 3 in <c>3.8.3</c>.</summary>
        public int Major { get; }

        /// <summary>The second number: 8 in <c>3.8.3</c>.</summary>
        public int Minor { get; }

        /// <summary>
        /// The third number: 3 in <c>3.8.3</c>; null when the version has only two (<c>3.8</c>).
        /// </summary>
        public int? Build { get; }

        /// <summary>
        /// 2 for a line such as <c>3.8</c>, 3 for a release such as <c>3.8.3</c>.
        /// </summary>
        public int ComponentCount => Build.HasValue ? 3 : 2;

        /// <summary>
        /// <c>alpha</c>, <c>beta</c>, <c>rc</c>, another lowercase label as written, or null for a
        /// release or a patch.
        /// </summary>
        public string PreReleaseLabel { get; }

        /// <summary>
        /// The N of <c>-rc.N</c>; null when there is no pre-release or it has no number.
        /// </summary>
        public int? PreReleaseNumber { get; }

        /// <summary>The N of OpenIM's <c>-patch.N</c> fix releases; null when absent.</summary>
        public int? PatchNumber { get; }

        /// <summary>
        /// True for alpha, beta, rc and other labelled pre-releases; false for releases and
        /// patches.
        /// </summary>
        public bool IsPreRelease => PreReleaseLabel != null;

        /// <summary>
        /// Reads a version, or throws a <see cref="FormatException"/> that shows the accepted
        /// forms.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="FormatException">
        /// <paramref name="text"/> is not an OpenIM version.
        /// </exception>
        public static OpenImVersion Parse(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            if (TryParse(text, out OpenImVersion version))
            {
                return version;
            }

            throw new FormatException(
                $"'{TagGrammar.Quote(text)}' is not an OpenIM version. "
                + $"Accepted forms: {AcceptedForms}.");
        }

        /// <summary>
        /// Reads a version; returns false (never throws) when the text is not one.
        /// </summary>
        public static bool TryParse(string text, out OpenImVersion version)
        {
            version = null;
            if (string.IsNullOrEmpty(text) || text.Length > TagGrammar.MaxTagLength)
            {
                return false;
            }

            int pos = 0;
            if (text[0] == 'v' || text[0] == 'V')
            {
                pos = 1;
            }

            if (!TryReadNumber(text, ref pos, out int major) || !TryRead(text, ref pos, '.')
                || !TryReadNumber(text, ref pos, out int minor))
            {
                return false;
            }

            if (pos == text.Length)
            {
                version = new OpenImVersion(major, minor);
                return true;
            }

            if (!TryRead(text, ref pos, '.') || !TryReadNumber(text, ref pos, out int build))
            {
                return false;
            }

            if (pos == text.Length)
            {
                version = new OpenImVersion(major, minor, build);
                return true;
            }

            return TryReadSuffix(text, pos, major, minor, build, out version);
        }

        /// <summary>
        /// Compares two versions in OpenIM order; null sorts before every version.
        /// </summary>
        public static int Compare(OpenImVersion left, OpenImVersion right)
        {
            if (ReferenceEquals(left, right))
            {
                return 0;
            }

            if (left is null)
            {
                return -1;
            }

            return left.CompareTo(right);
        }

        /// <summary>
        /// Compares with another version in OpenIM order (see the remarks on the type).
        /// </summary>
        public int CompareTo(OpenImVersion other)
        {
            if (other is null)
            {
                return 1;
            }

            int result = Major.CompareTo(other.Major);
            if (result != 0)
            {
                return result;
            }

            result = Minor.CompareTo(other.Minor);
            if (result != 0)
            {
                return result;
            }

            // A two-component line sorts before all of its releases: Nullable.Compare puts null first.
            result = Nullable.Compare(Build, other.Build);
            if (result != 0)
            {
                return result;
            }

            result = Stage.CompareTo(other.Stage);
            if (result != 0)
            {
                return result;
            }

            if (IsPreRelease)
            {
                result = LabelRank(PreReleaseLabel).CompareTo(LabelRank(other.PreReleaseLabel));
                if (result == 0)
                {
                    result = string.CompareOrdinal(PreReleaseLabel, other.PreReleaseLabel);
                }

                return result != 0
                    ? Math.Sign(result)
                    : Nullable.Compare(PreReleaseNumber, other.PreReleaseNumber);
            }

            return Nullable.Compare(PatchNumber, other.PatchNumber);
        }

        /// <summary>
        /// Compares with another object so that PowerShell's Sort-Object uses OpenIM order.
        /// </summary>
        /// <exception cref="ArgumentException">
        /// <paramref name="obj"/> is not an <see cref="OpenImVersion"/>.
        /// </exception>
        int IComparable.CompareTo(object obj)
        {
            if (obj is null)
            {
                return 1;
            }

            if (obj is OpenImVersion other)
            {
                return CompareTo(other);
            }

            throw new ArgumentException(
                "An OpenImVersion can only be compared with another OpenImVersion.", nameof(obj));
        }

        /// <summary>
        /// True when both name the same version after normalization (<c>v3.3.3-bate.4</c> equals
        /// <c>3.3.3-beta.4</c>); <c>3.8</c> and <c>3.8.0</c> differ.
        /// </summary>
        public bool Equals(OpenImVersion other)
        {
            return other is object
                && Major == other.Major
                && Minor == other.Minor
                && Build == other.Build
                && PreReleaseLabel == other.PreReleaseLabel
                && PreReleaseNumber == other.PreReleaseNumber
                && PatchNumber == other.PatchNumber;
        }

        /// <inheritdoc cref="Equals(OpenImVersion)"/>
        public override bool Equals(object obj) => Equals(obj as OpenImVersion);

        /// <summary>A hash code consistent with <see cref="Equals(OpenImVersion)"/>.</summary>
        public override int GetHashCode()
        {
            unchecked
            {
                int hash = 17;
                hash = (hash * 31) + Major;
                hash = (hash * 31) + Minor;
                hash = (hash * 31) + (Build ?? -1);
                hash = (hash * 31) + (PreReleaseLabel == null ? 0 : Ordinal.GetHashCode(PreReleaseLabel));
                hash = (hash * 31) + (PreReleaseNumber ?? -1);
                hash = (hash * 31) + (PatchNumber ?? -1);
                return hash;
            }
        }

        /// <summary>
        /// The normalized form without <c>v</c>: <c>3.8.3-patch.2</c>, <c>3.5.0-rc.8</c>,
        /// <c>3.8</c>.
        /// </summary>
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append(Invariant(Major)).Append('.').Append(Invariant(Minor));
            if (Build.HasValue)
            {
                text.Append('.').Append(Invariant(Build.Value));
            }

            if (PreReleaseLabel != null)
            {
                text.Append('-').Append(PreReleaseLabel);
                if (PreReleaseNumber.HasValue)
                {
                    text.Append('.').Append(Invariant(PreReleaseNumber.Value));
                }
            }

            if (PatchNumber.HasValue)
            {
                text.Append("-patch.").Append(Invariant(PatchNumber.Value));
            }

            return text.ToString();
        }

        /// <summary>True when both are null or equal.</summary>
        public static bool operator ==(OpenImVersion left, OpenImVersion right) =>
            left is null ? right is null : left.Equals(right);

        /// <summary>True when they are not equal.</summary>
        public static bool operator !=(OpenImVersion left, OpenImVersion right) => !(left == right);

        /// <summary>
        /// True when <paramref name="left"/> is older in OpenIM order; null is oldest.
        /// </summary>
        public static bool operator <(OpenImVersion left, OpenImVersion right) =>
            Compare(left, right) < 0;

        /// <summary>True when <paramref name="left"/> is newer in OpenIM order.</summary>
        public static bool operator >(OpenImVersion left, OpenImVersion right) =>
            Compare(left, right) > 0;

        /// <summary>True when <paramref name="left"/> is older or equal.</summary>
        public static bool operator <=(OpenImVersion left, OpenImVersion right) =>
            Compare(left, right) <= 0;

        /// <summary>True when <paramref name="left"/> is newer or equal.</summary>
        public static bool operator >=(OpenImVersion left, OpenImVersion right) =>
            Compare(left, right) >= 0;

        /// <summary>
        /// Reads digits without leading zeros into an int; false on overflow or no digits.
        /// </summary>
        internal static bool TryReadNumber(string text, ref int pos, out int value)
        {
            value = 0;
            int start = pos;
            long accumulated = 0;
            while (pos < text.Length && text[pos] >= '0' && text[pos] <= '9')
            {
                accumulated = (accumulated * 10) + (text[pos] - '0');
                if (accumulated > int.MaxValue)
                {
                    return false;
                }

                pos++;
            }

            // Leading zeros would let "3.08" and "3.8" be equal versions that print differently.
            int length = pos - start;
            if (length == 0 || (length > 1 && text[start] == '0'))
            {
                return false;
            }

            value = (int)accumulated;
            return true;
        }

        private static bool TryRead(string text, ref int pos, char expected)
        {
            if (pos < text.Length && text[pos] == expected)
            {
                pos++;
                return true;
            }

            return false;
        }

        /// <summary>
        /// Reads what follows X.Y.Z: <c>-label[.N]</c>, <c>-patch.N</c>, or a dotted <c>.rc.N</c>
        /// style typo.
        /// </summary>
        private static bool TryReadSuffix(
            string text, int pos, int major, int minor, int build, out OpenImVersion version)
        {
            version = null;
            char separator = text[pos];
            if (separator != '-' && separator != '.')
            {
                return false;
            }

            pos++;
            int labelStart = pos;
            while (pos < text.Length && IsAsciiLetterOrDigit(text[pos]))
            {
                pos++;
            }

            string label = NormalizeLabel(text.Substring(labelStart, pos - labelStart));
            if (label == null)
            {
                return false;
            }

            // Dotted suffixes need a known label, so that 1.2.3.4 is not read as a version.
            bool dotted = separator == '.';
            if (dotted && LabelRank(label) == 0)
            {
                return false;
            }

            int? number = null;
            if (pos < text.Length)
            {
                if (!TryRead(text, ref pos, '.')
                    || !TryReadNumber(text, ref pos, out int parsed)
                    || pos != text.Length)
                {
                    return false;
                }

                number = parsed;
            }

            if (label == PatchLabel)
            {
                if (!number.HasValue)
                {
                    return false;
                }

                version = new OpenImVersion(major, minor, build, patchNumber: number);
                return true;
            }

            if (dotted && !number.HasValue)
            {
                return false;
            }

            version = new OpenImVersion(major, minor, build, label, number);
            return true;
        }

        /// <summary>
        /// Lowercases an ASCII label and fixes the <c>bate</c> typo; null when not a label.
        /// </summary>
        private static string NormalizeLabel(string label)
        {
            if (label.Length == 0 || !IsAsciiLetter(label[0]))
            {
                return null;
            }

            var lower = new StringBuilder(label.Length);
            foreach (char c in label)
            {
                if (!IsAsciiLetterOrDigit(c))
                {
                    return null;
                }

                lower.Append(c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c);
            }

            string result = lower.ToString();
            return result == "bate" ? "beta" : result;
        }

        private static int LabelRank(string label)
        {
            switch (label)
            {
                case "alpha":
                    return 1;
                case "beta":
                    return 2;
                case "rc":
                    return 3;
                default:
                    return 0;
            }
        }

        /// <summary>-1 for a pre-release, 0 for a release or line, 1 for a patch.</summary>
        private int Stage => IsPreRelease ? -1 : PatchNumber.HasValue ? 1 : 0;

        private static string Invariant(int number) => number.ToString(CultureInfo.InvariantCulture);

        private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

        private static bool IsAsciiLetterOrDigit(char c) =>
            IsAsciiLetter(c) || (c >= '0' && c <= '9');
    }
}
