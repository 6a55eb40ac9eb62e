using System;
using System.Net;
using System.Text.RegularExpressions;

namespace OpenIm.PowerShell.Settings
{
    /// <summary>
    /// Checks what a user gives for a registry before anything is stored or contacted: the name, the
    /// endpoint URI and the namespace. Each problem has its own error id.
    /// </summary>
    public static class RegistryValidation
    {
        private static readonly Regex NamePattern = new Regex(
            "^[A-Za-z][A-Za-z0-9_-]{0,31}$",
            RegexOptions.CultureInvariant);

        private static readonly Regex NamespacePattern = new Regex(
            "^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$",
            RegexOptions.CultureInvariant);

        /// <summary>Throws <c>InvalidRegistryName</c> unless the name is a short identifier.</summary>
        public static string Name(string name)
        {
            if (name == null || !NamePattern.IsMatch(name))
            {
                throw new OpenImException(
                    "InvalidRegistryName",
                    OpenImErrorKind.InvalidArgument,
                    $"'{Printable(name)}' is not a valid registry name: use 1 to 32 letters, digits, '-' or '_', " +
                    "starting with a letter.",
                    name);
            }

            return name;
        }

        /// <summary>Throws <c>InvalidNamespace</c> unless the namespace is a valid repository path.</summary>
        public static string Namespace(string value)
        {
            if (value == null || value.Length > 200 || !NamespacePattern.IsMatch(value))
            {
                throw new OpenImException(
                    "InvalidNamespace",
                    OpenImErrorKind.InvalidArgument,
                    $"'{Printable(value)}' is not a valid namespace: use lowercase letters, digits and single " +
                    "'.', '_' or '-' separators, with '/' between parts (for example 'openimsdk').",
                    value);
            }

            return value;
        }

        /// <summary>
        /// Parses and normalizes a registry endpoint: an absolute http or https URI with only a host and
        /// an optional port. Plain http is accepted for loopback addresses, or when
        /// <paramref name="allowHttp"/> says the user asked for it explicitly.
        /// </summary>
        public static Uri Endpoint(string value, bool allowHttp)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 2048 || HasControlCharacters(value))
            {
                throw InvalidUri(value, "give an absolute http or https URI such as https://mirror.example.com");
            }

            if (!System.Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri))
            {
                throw InvalidUri(value, "it is not an absolute URI; give one such as https://mirror.example.com");
            }

            if (uri.Scheme != System.Uri.UriSchemeHttps && uri.Scheme != System.Uri.UriSchemeHttp)
            {
                throw InvalidUri(
                    value,
                    $"the scheme '{uri.Scheme}' is not supported; use https (or http for loopback)");
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new OpenImException(
                    "RegistryUriHasCredentials",
                    OpenImErrorKind.SecurityError,
                    "A registry URI must not carry a user name or password.",
                    RedactUserInfo(uri),
                    null,
                    "Remove the user information from the URI and pass credentials with -Credential or docker login.");
            }

            if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw InvalidUri(
                    value,
                    "the registry API lives at the root of its host; give only scheme, host and port");
            }

            if (string.IsNullOrEmpty(uri.Host) || uri.HostNameType == UriHostNameType.Unknown)
            {
                throw InvalidUri(value, "it has no valid host");
            }

            // Letters from other scripts can pass for a familiar host (a Cyrillic h in ghcr.io); only
            // the ASCII form is taken, so what is stored and shown is what is contacted.
            // Addresses are left out: an IPv6 host is written [::1] but its IdnHost is ::1.
            if (uri.HostNameType == UriHostNameType.Dns
                && !string.Equals(uri.Host, uri.IdnHost, StringComparison.OrdinalIgnoreCase))
            {
                throw InvalidUri(
                    value,
                    "its host has characters beyond ASCII that can imitate another host; if it is meant, give " +
                    $"its ASCII form {uri.IdnHost}");
            }

            if (uri.Scheme == System.Uri.UriSchemeHttp && !allowHttp && !IsLoopback(uri))
            {
                throw new OpenImException(
                    "InsecureRegistryUri",
                    OpenImErrorKind.SecurityError,
                    $"The registry URI '{uri.GetLeftPart(UriPartial.Authority)}' uses plain http to a host " +
                    "that is not loopback; tokens and images would cross the network unprotected.",
                    value,
                    null,
                    "Use https, or add -AllowHttp if the registry is on a network you trust.");
            }

            return new Uri(uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + "/");
        }

        /// <summary>True for localhost and the loopback addresses, where plain http is acceptable.</summary>
        public static bool IsLoopback(Uri uri)
        {
            if (uri.IsLoopback)
            {
                return true;
            }

            return IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);
        }

        /// <summary>Throws <c>InvalidPriority</c> for a priority outside 0 to 1000.</summary>
        public static int Priority(int priority)
        {
            if (priority < 0 || priority > 1000)
            {
                throw new OpenImException(
                    "InvalidPriority",
                    OpenImErrorKind.InvalidArgument,
                    $"The priority {priority} is out of range: use 0 to 1000 (lower is tried first; the built-in " +
                    "registries use 10, 20 and 30).",
                    priority);
            }

            return priority;
        }

        private static OpenImException InvalidUri(string value, string reason)
        {
            return new OpenImException(
                "InvalidRegistryUri",
                OpenImErrorKind.InvalidArgument,
                $"'{Printable(value)}' is not a usable registry URI: {reason}.",
                Printable(value));
        }

        private static bool HasControlCharacters(string value)
        {
            foreach (var c in value)
            {
                if (char.IsControl(c))
                {
                    return true;
                }
            }

            return false;
        }

        private static string RedactUserInfo(Uri uri)
        {
            return uri.Scheme + "://***@" + uri.Authority + uri.PathAndQuery;
        }

        /// <summary>
        /// A form of user input that is safe to show: control characters escaped, long input cut, and
        /// anything that looks like user information in a URI masked.
        /// </summary>
        internal static string Printable(string value)
        {
            if (value == null)
            {
                return "<null>";
            }

            var builder = new System.Text.StringBuilder();
            foreach (var c in value)
            {
                if (builder.Length >= 200)
                {
                    builder.Append("...");
                    break;
                }

                builder.Append(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4") : c.ToString());
            }

            return Regex.Replace(builder.ToString(), "//[^/@]*@", "//***@");
        }
    }
}
