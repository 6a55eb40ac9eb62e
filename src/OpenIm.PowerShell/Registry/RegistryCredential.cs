using System;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// A user name and secret for a registry, and where they came from. The secret never appears in
    /// <see cref="ToString"/>, logs or errors.
    /// </summary>
    public sealed class RegistryCredential
    {
        public RegistryCredential(string userName, string secret, string source, bool isIdentityToken = false)
        {
            UserName = userName ?? string.Empty;
            Secret = secret ?? throw new ArgumentNullException(nameof(secret));
            Source = source ?? "unknown";
            IsIdentityToken = isIdentityToken;
        }

        /// <summary>The user name; empty for an identity token.</summary>
        public string UserName { get; }

        /// <summary>The password, access token or identity (refresh) token.</summary>
        public string Secret { get; }

        /// <summary>Where the credential came from, for Verbose output: "-Credential", "credsStore pass"...</summary>
        public string Source { get; }

        /// <summary>True when the secret is an OAuth2 refresh token rather than a password.</summary>
        public bool IsIdentityToken { get; }

        /// <summary>A key that identifies the credential in caches without holding the secret in clear.</summary>
        public string CacheKey => UserName + "#" + Hash(Secret);

        public override string ToString() => $"{(IsIdentityToken ? "<identity token>" : UserName)} (from {Source})";

        private static string Hash(string value)
        {
            using (var sha = System.Security.Cryptography.SHA256.Create())
            {
                var bytes = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(value));
                return BitConverter.ToString(bytes, 0, 8).Replace("-", string.Empty);
            }
        }
    }
}
