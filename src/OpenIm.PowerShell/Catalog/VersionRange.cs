using System;
using System.Globalization;
using System.Text;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// How a <see cref="VersionRange"/> was written, which decides what it contains.
    /// </summary>
    public enum VersionRangeKind
    {
        /// <summary><c>*</c>: every version.</summary>
        Any,

        /// <summary>
        /// One version such as <c>3.8.3</c> or <c>[3.8]</c>: only versions equal to it.
        /// </summary>
        Exact,

        /// <summary>
        /// A line such as <c>3.8</c>, <c>3.8.*</c>, <c>3.*</c> or <c>3.8.3.*</c>: every version
        /// that starts with those numbers, pre-releases and <c>-patch.N</c> fixes included.
        /// </summary>
        Line,

        /// <summary>
        /// An interval such as <c>[3.7,3.9)</c>, with bounds compared in OpenIM order.
        /// </summary>
        Interval,
    }

    /// <summary>
    /// A set of OpenIM versions written the way users ask for them: <c>3.8.3</c>, <c>3.8.*</c>,
    /// <c>[3.7,3.9)</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Unlike NuGet, where a bare <c>3.8</c> means "3.8 or newer", here <c>3.8</c> is the 3.8 line,
    /// because that is what OpenIM's <c>X.Y</c> tags and release branches mean. An exact
    /// <c>3.8.3</c> does not contain its fixes (<c>3.8.3-patch.1</c>); <c>3.8.3.*</c> does.
    /// </para>
    /// <para>
    /// Interval bounds use <see cref="OpenImVersion"/> order, in which a two-component bound sorts
    /// before its whole line: <c>[3.7,3.9)</c> holds every 3.7.x and 3.8.x and nothing of 3.9,
    /// while <c>[3.7.0,3.9.0)</c> also holds the 3.9.0 pre-releases. Ranges contain pre-releases;
    /// callers filter them.
    /// </para>
    /// </remarks>
    public sealed class VersionRange
    {
        private const string AcceptedForms =
            "an exact version (3.8.3, v3.8.3-patch.2), "
            + "a line (3.8, 3.8.*, 3.*, 3.8.3.*, or * for all), "
            + "or an interval with inclusive [ ] and exclusive ( ) bounds "
            + "([3.7,3.9), (3.7,], [3.8.3], (,3.9))";

        private readonly int _lineMajor;
        private readonly int? _lineMinor;
        private readonly int? _lineBuild;

        private VersionRange(
            string originalString,
            VersionRangeKind kind,
            OpenImVersion minVersion,
            bool isMinInclusive,
            OpenImVersion maxVersion,
            bool isMaxInclusive)
        {
            OriginalString = originalString;
            Kind = kind;
            MinVersion = minVersion;
            IsMinInclusive = isMinInclusive;
            MaxVersion = maxVersion;
            IsMaxInclusive = isMaxInclusive;
        }

        private VersionRange(string originalString, int major, int? minor, int? build)
            : this(originalString, VersionRangeKind.Line, null, false, null, false)
        {
            _lineMajor = major;
            _lineMinor = minor;
            _lineBuild = build;
        }

        /// <summary>The text the range was parsed from.</summary>
        public string OriginalString { get; }

        /// <summary>
        /// Whether the range is every version, one version, a line or an interval.
        /// </summary>
        public VersionRangeKind Kind { get; }

        /// <summary>
        /// The lower bound of an interval or the version of an exact range; null when unbounded
        /// below, and for lines and <c>*</c>.
        /// </summary>
        public OpenImVersion MinVersion { get; }

        /// <summary>True when <see cref="MinVersion"/> itself is in the range.</summary>
        public bool IsMinInclusive { get; }

        /// <summary>
        /// The upper bound of an interval or the version of an exact range; null when unbounded
        /// above, and for lines and <c>*</c>.
        /// </summary>
        public OpenImVersion MaxVersion { get; }

        /// <summary>True when <see cref="MaxVersion"/> itself is in the range.</summary>
        public bool IsMaxInclusive { get; }

        /// <summary>
        /// Reads a range, or throws a <see cref="FormatException"/> that shows the accepted forms.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="FormatException">
        /// <paramref name="text"/> is not a version range.
        /// </exception>
        public static VersionRange Parse(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            VersionRange range = ParseCore(text, out string reason);
            if (range != null)
            {
                return range;
            }

            throw new FormatException(
                $"'{TagGrammar.Quote(text)}' is not a version range{reason}. "
                + $"Accepted forms: {AcceptedForms}.");
        }

        /// <summary>Reads a range; returns false (never throws) when the text is not one.</summary>
        public static bool TryParse(string text, out VersionRange range)
        {
            range = text == null ? null : ParseCore(text, out _);
            return range != null;
        }

        /// <summary>True when <paramref name="version"/> is in the range; false for null.</summary>
        public bool Contains(OpenImVersion version)
        {
            if (version is null)
            {
                return false;
            }

            switch (Kind)
            {
                case VersionRangeKind.Any:
                    return true;
                case VersionRangeKind.Exact:
                    return version.Equals(MinVersion);
                case VersionRangeKind.Line:
                    return version.Major == _lineMajor
                        && (!_lineMinor.HasValue || version.Minor == _lineMinor.Value)
                        && (!_lineBuild.HasValue || version.Build == _lineBuild.Value);
                default:
                    return AboveMin(version) && BelowMax(version);
            }
        }

        /// <summary>
        /// The range in normalized syntax, which <see cref="Parse"/> reads back to the same range:
        /// <c>3.8.3-patch.2</c>, <c>[3.8]</c>, <c>3.8.*</c>, <c>[3.7, 3.9)</c>, <c>(, 3.9)</c>,
        /// <c>*</c>.
        /// </summary>
        public override string ToString()
        {
            switch (Kind)
            {
                case VersionRangeKind.Any:
                    return "*";
                case VersionRangeKind.Exact:
                    // A bare X.Y reads back as a line, so an exact X.Y keeps its brackets.
                    return MinVersion.ComponentCount == 2
                        ? "[" + MinVersion + "]"
                        : MinVersion.ToString();
                case VersionRangeKind.Line:
                    var line = new StringBuilder();
                    foreach (int? number in new int?[] { _lineMajor, _lineMinor, _lineBuild })
                    {
                        if (number.HasValue)
                        {
                            line.Append(number.Value.ToString(CultureInfo.InvariantCulture)).Append('.');
                        }
                    }

                    return line.Append('*').ToString();
                default:
                    return (IsMinInclusive ? "[" : "(") + MinVersion + ", " + MaxVersion
                        + (IsMaxInclusive ? "]" : ")");
            }
        }

        private bool AboveMin(OpenImVersion version)
        {
            if (MinVersion is null)
            {
                return true;
            }

            int result = version.CompareTo(MinVersion);
            return result > 0 || (result == 0 && IsMinInclusive);
        }

        private bool BelowMax(OpenImVersion version)
        {
            if (MaxVersion is null)
            {
                return true;
            }

            int result = version.CompareTo(MaxVersion);
            return result < 0 || (result == 0 && IsMaxInclusive);
        }

        /// <summary>
        /// Parses any accepted form; null with a reason (possibly empty) when the text is none.
        /// </summary>
        private static VersionRange ParseCore(string original, out string reason)
        {
            reason = string.Empty;

            // Only plain spaces are forgiven: a line break or tab signals broken input.
            string text = original.Trim(' ');
            if (text.Length == 0 || text.Length > 2 * TagGrammar.MaxTagLength)
            {
                return null;
            }

            if (text == "*")
            {
                return new VersionRange(original, VersionRangeKind.Any, null, false, null, false);
            }

            if (text[0] == '[' || text[0] == '(')
            {
                return ParseInterval(original, text, out reason);
            }

            if (text.EndsWith(".*", StringComparison.Ordinal))
            {
                return ParseLine(original, text.Substring(0, text.Length - 2));
            }

            if (!OpenImVersion.TryParse(text, out OpenImVersion version))
            {
                return null;
            }

            return version.ComponentCount == 2
                ? new VersionRange(original, version.Major, version.Minor, null)
                : new VersionRange(original, VersionRangeKind.Exact, version, true, version, true);
        }

        /// <summary>
        /// Parses the numbers before <c>.*</c>: <c>3</c>, <c>3.8</c> or <c>3.8.3</c>, optional
        /// <c>v</c>.
        /// </summary>
        private static VersionRange ParseLine(string original, string prefix)
        {
            int pos = prefix.Length > 0 && (prefix[0] == 'v' || prefix[0] == 'V') ? 1 : 0;
            var numbers = new int?[3];
            for (int i = 0; i < numbers.Length; i++)
            {
                if (!OpenImVersion.TryReadNumber(prefix, ref pos, out int number))
                {
                    return null;
                }

                numbers[i] = number;
                if (pos == prefix.Length)
                {
                    return new VersionRange(original, numbers[0].Value, numbers[1], numbers[2]);
                }

                if (prefix[pos] != '.')
                {
                    return null;
                }

                pos++;
            }

            return null;
        }

        private static VersionRange ParseInterval(string original, string text, out string reason)
        {
            reason = string.Empty;
            char last = text[text.Length - 1];
            if (text.Length < 3 || (last != ']' && last != ')'))
            {
                reason = " (an interval ends with ] or ))";
                return null;
            }

            bool minInclusive = text[0] == '[';
            bool maxInclusive = last == ']';
            string inner = text.Substring(1, text.Length - 2);
            string[] bounds = inner.Split(',');
            if (bounds.Length == 1)
            {
                // One version in brackets is NuGet's exact form, which only makes sense as [X].
                bool exact = minInclusive && maxInclusive;
                if (!exact || !OpenImVersion.TryParse(inner.Trim(' '), out OpenImVersion only))
                {
                    reason = " (a single version in an interval is written [X.Y.Z])";
                    return null;
                }

                return new VersionRange(original, VersionRangeKind.Exact, only, true, only, true);
            }

            if (bounds.Length != 2)
            {
                reason = " (an interval has one comma)";
                return null;
            }

            if (!TryParseBound(bounds[0], out OpenImVersion min)
                || !TryParseBound(bounds[1], out OpenImVersion max))
            {
                reason = " (a bound is not a version)";
                return null;
            }

            if (min is null && max is null)
            {
                reason = " (an interval needs at least one bound)";
                return null;
            }

            if (min != null && max != null)
            {
                int order = min.CompareTo(max);
                if (order > 0 || (order == 0 && !(minInclusive && maxInclusive)))
                {
                    reason = " (it contains no version: the lower bound is not below the upper one)";
                    return null;
                }
            }

            // A missing bound is unbounded whichever bracket surrounds it, as NuGet reads (1.0,].
            return new VersionRange(
                original,
                VersionRangeKind.Interval,
                min,
                min != null && minInclusive,
                max,
                max != null && maxInclusive);
        }

        /// <summary>An empty bound is unbounded (null); otherwise it must be a version.</summary>
        private static bool TryParseBound(string bound, out OpenImVersion version)
        {
            version = null;
            string trimmed = bound.Trim(' ');
            return trimmed.Length == 0 || OpenImVersion.TryParse(trimmed, out version);
        }
    }
}
