using System;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// A platform an image is built for, written <c>os/arch[/variant]</c> as Docker does:
    /// <c>linux/amd64</c>, <c>linux/arm64</c>, <c>linux/arm/v7</c>.
    /// </summary>
    /// <remarks>
    /// Parsing is case-insensitive and stores lowercase, as Docker and containerd do, and it
    /// normalizes the common aliases: <c>x86_64</c> and <c>x86-64</c> are <c>amd64</c>,
    /// <c>aarch64</c> is <c>arm64</c>, <c>i386</c> is <c>386</c>, and the default variants
    /// <c>arm64/v8</c> and <c>amd64/v1</c> drop their variant. Each part is 1 to 32 ASCII letters
    /// or digits; anything else (path tricks, whitespace, look-alike letters from other scripts) is
    /// rejected.
    /// </remarks>
    public sealed class PlatformSpec : IEquatable<PlatformSpec>
    {
        /// <summary>The longest OS, architecture or variant this module accepts.</summary>
        public const int MaxPartLength = 32;

        private const string AcceptedForms =
            "os/arch or os/arch/variant, each part 1 to 32 ASCII letters or digits "
            + "(for example linux/amd64, linux/arm64, linux/arm/v7)";

        private const string AttestationPart = "unknown";

        /// <summary>
        /// Creates a platform from its parts, normalized as <see cref="Parse"/> does; an empty
        /// <paramref name="variant"/> means none, because PowerShell passes <c>$null</c> as "".
        /// </summary>
        /// <exception cref="ArgumentException">
        /// A part is missing or not 1 to 32 ASCII letters or digits.
        /// </exception>
        public PlatformSpec(string os, string architecture, string variant = null)
        {
            variant = string.IsNullOrEmpty(variant) ? null : variant;
            if (!TryNormalize(os, architecture, variant, out Parts normal))
            {
                string given = os + "/" + architecture + (variant == null ? string.Empty : "/" + variant);
                throw new ArgumentException(
                    $"'{TagGrammar.Quote(given)}' is not a platform. Accepted forms: {AcceptedForms}.");
            }

            OS = normal.OS;
            Architecture = normal.Architecture;
            Variant = normal.Variant;
        }

        private PlatformSpec(Parts normal)
        {
            OS = normal.OS;
            Architecture = normal.Architecture;
            Variant = normal.Variant;
        }

        /// <summary>
        /// <c>linux/amd64</c>, one of the two platforms OpenIM images are built for.
        /// </summary>
        public static PlatformSpec LinuxAmd64 { get; } = new PlatformSpec("linux", "amd64");

        /// <summary>
        /// <c>linux/arm64</c>, one of the two platforms OpenIM images are built for.
        /// </summary>
        public static PlatformSpec LinuxArm64 { get; } = new PlatformSpec("linux", "arm64");

        /// <summary>The operating system, lowercase: <c>linux</c>.</summary>
        public string OS { get; }

        /// <summary>
        /// The CPU architecture in Go's spelling, lowercase: <c>amd64</c>, <c>arm64</c>.
        /// </summary>
        public string Architecture { get; }

        /// <summary>
        /// The CPU variant such as <c>v7</c> for <c>arm</c>; null when none is given.
        /// </summary>
        public string Variant { get; }

        /// <summary>
        /// True for <c>unknown/unknown</c>, the entry build attestations use in image indexes; it
        /// is not a platform anything runs on.
        /// </summary>
        public bool IsAttestation => OS == AttestationPart && Architecture == AttestationPart;

        /// <summary>
        /// True when an image index entry with this OS and architecture is a build attestation
        /// (<c>unknown/unknown</c>) rather than a platform.
        /// </summary>
        public static bool IsAttestationEntry(string os, string architecture) =>
            string.Equals(os, AttestationPart, StringComparison.OrdinalIgnoreCase)
            && string.Equals(architecture, AttestationPart, StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Reads <c>os/arch[/variant]</c>, or throws a <see cref="FormatException"/> showing the
        /// accepted forms.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
        /// <exception cref="FormatException"><paramref name="text"/> is not a platform.</exception>
        public static PlatformSpec Parse(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            if (TryParse(text, out PlatformSpec platform))
            {
                return platform;
            }

            throw new FormatException(
                $"'{TagGrammar.Quote(text)}' is not a platform. Accepted forms: {AcceptedForms}.");
        }

        /// <summary>
        /// Reads <c>os/arch[/variant]</c>; returns false (never throws) when the text is not one.
        /// </summary>
        public static bool TryParse(string text, out PlatformSpec platform)
        {
            platform = null;

            // The length check comes first so that a huge string is not split.
            if (string.IsNullOrEmpty(text) || text.Length > (3 * MaxPartLength) + 2)
            {
                return false;
            }

            string[] parts = text.Split('/');
            if (parts.Length < 2 || parts.Length > 3)
            {
                return false;
            }

            string variant = parts.Length == 3 ? parts[2] : null;
            if (!TryNormalize(parts[0], parts[1], variant, out Parts normal))
            {
                return false;
            }

            platform = new PlatformSpec(normal);
            return true;
        }

        /// <summary>
        /// True when an image index entry with this OS, architecture and variant can serve this
        /// platform. The entry is normalized first (<c>aarch64</c>, <c>arm64/v8</c>); a platform
        /// without a variant accepts any variant, one with a variant needs the same one.
        /// Attestation entries never match a real platform, and invalid entries match nothing.
        /// </summary>
        public bool Matches(string os, string architecture, string variant)
        {
            // Registries send an empty variant as often as none at all.
            string entryVariant = string.IsNullOrEmpty(variant) ? null : variant;
            if (!TryNormalize(os, architecture, entryVariant, out Parts entry))
            {
                return false;
            }

            return OS == entry.OS
                && Architecture == entry.Architecture
                && (Variant == null || Variant == entry.Variant);
        }

        /// <summary>True when OS, architecture and variant are equal after normalization.</summary>
        public bool Equals(PlatformSpec other) =>
            other is object
            && OS == other.OS
            && Architecture == other.Architecture
            && Variant == other.Variant;

        /// <inheritdoc cref="Equals(PlatformSpec)"/>
        public override bool Equals(object obj) => Equals(obj as PlatformSpec);

        /// <summary>A hash code consistent with <see cref="Equals(PlatformSpec)"/>.</summary>
        public override int GetHashCode()
        {
            unchecked
            {
                StringComparer ordinal = StringComparer.Ordinal;
                int hash = ordinal.GetHashCode(OS);
                hash = (hash * 31) + ordinal.GetHashCode(Architecture);
                return (hash * 31) + (Variant == null ? 0 : ordinal.GetHashCode(Variant));
            }
        }

        /// <summary>
        /// <c>os/arch</c> or <c>os/arch/variant</c>, lowercase: <c>linux/arm64</c>.
        /// </summary>
        public override string ToString() =>
            Variant == null ? OS + "/" + Architecture : OS + "/" + Architecture + "/" + Variant;

        /// <summary>True when both are null or equal.</summary>
        public static bool operator ==(PlatformSpec left, PlatformSpec right) =>
            left is null ? right is null : left.Equals(right);

        /// <summary>True when they are not equal.</summary>
        public static bool operator !=(PlatformSpec left, PlatformSpec right) => !(left == right);

        private static bool TryNormalize(string os, string architecture, string variant, out Parts normal)
        {
            normal = new Parts(ToLowerPart(os), ToLowerArchitecture(architecture), null);
            string lowerVariant = variant == null ? null : ToLowerPart(variant);
            if (normal.OS == null || normal.Architecture == null || (variant != null && lowerVariant == null))
            {
                return false;
            }

            // These variants are the baseline of their architecture, so naming them changes nothing.
            bool baseline = (normal.Architecture == "arm64" && lowerVariant == "v8")
                || (normal.Architecture == "amd64" && lowerVariant == "v1");
            normal = new Parts(normal.OS, normal.Architecture, baseline ? null : lowerVariant);
            return true;
        }

        /// <summary>
        /// Lowercases an architecture and maps its aliases to Go's names; null when invalid.
        /// </summary>
        private static string ToLowerArchitecture(string architecture)
        {
            // x86_64 and x86-64 hold characters no other part may, so they are mapped first.
            if (string.Equals(architecture, "x86_64", StringComparison.OrdinalIgnoreCase)
                || string.Equals(architecture, "x86-64", StringComparison.OrdinalIgnoreCase))
            {
                return "amd64";
            }

            string part = ToLowerPart(architecture);
            switch (part)
            {
                case "aarch64":
                    return "arm64";
                case "i386":
                    return "386";
                default:
                    return part;
            }
        }

        /// <summary>
        /// Lowercases a part of 1 to 32 ASCII letters and digits; null for anything else, so that
        /// letters from other scripts never fold into ASCII ones.
        /// </summary>
        private static string ToLowerPart(string part)
        {
            if (string.IsNullOrEmpty(part) || part.Length > MaxPartLength)
            {
                return null;
            }

            char[] lower = new char[part.Length];
            for (int i = 0; i < part.Length; i++)
            {
                char c = part[i];
                if (c >= 'A' && c <= 'Z')
                {
                    lower[i] = (char)(c + ('a' - 'A'));
                }
                else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                {
                    lower[i] = c;
                }
                else
                {
                    return null;
                }
            }

            return new string(lower);
        }

        /// <summary>The three normalized parts, passed around together while parsing.</summary>
        private readonly struct Parts
        {
            public Parts(string os, string architecture, string variant)
            {
                OS = os;
                Architecture = architecture;
                Variant = variant;
            }

            public string OS { get; }

            public string Architecture { get; }

            public string Variant { get; }
        }
    }
}
