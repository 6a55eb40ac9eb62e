using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// A reference to an OpenIM image such as <c>ghcr.io/openimsdk/openim-server:v3.8.3</c>, mapped
    /// to a known registry, a catalog image and a tag or digest.
    /// </summary>
    public sealed class ImageReference
    {
        private ImageReference(OpenImRegistry registry, string image, string tag, string digest)
        {
            Registry = registry;
            Image = image;
            Tag = tag;
            Digest = digest;
        }

        /// <summary>The registry the reference names; null when it names none (priority order applies).</summary>
        public OpenImRegistry Registry { get; }

        /// <summary>The catalog image.</summary>
        public string Image { get; }

        /// <summary>The tag, or null when only a digest was given.</summary>
        public string Tag { get; }

        /// <summary>The digest, when given (<c>@sha256:...</c>).</summary>
        public string Digest { get; }

        /// <summary>
        /// Parses a reference. Accepted: <c>host[:port]/namespace/image[:tag][@digest]</c> for any known
        /// registry (by reference host or endpoint), <c>namespace/image[:tag]</c> and <c>image[:tag]</c>.
        /// Throws <see cref="OpenImException"/> with <c>InvalidReference</c>, <c>RegistryNotFound</c> or
        /// <c>ImageNotFound</c>.
        /// </summary>
        public static ImageReference Parse(string text, IReadOnlyList<OpenImRegistry> registries)
        {
            if (string.IsNullOrWhiteSpace(text) || text.Length > 512 || text.Any(char.IsControl)
                || text.Any(char.IsWhiteSpace))
            {
                throw Invalid(text, "it is empty, too long, or contains spaces or control characters");
            }

            var rest = text;
            string digest = null;
            var at = rest.IndexOf('@');
            if (at >= 0)
            {
                digest = rest.Substring(at + 1);
                rest = rest.Substring(0, at);
                if (!TagGrammar.IsValidDigest(digest))
                {
                    throw Invalid(text, $"'{digest}' is not a sha256 digest");
                }
            }

            string tag = null;
            var lastSlash = rest.LastIndexOf('/');
            var colon = rest.LastIndexOf(':');
            if (colon > lastSlash)
            {
                tag = rest.Substring(colon + 1);
                rest = rest.Substring(0, colon);
                if (!TagGrammar.IsValidTag(tag))
                {
                    throw Invalid(text, $"'{TagGrammar.Quote(tag)}' is not a valid tag");
                }
            }

            if (tag == null && digest == null)
            {
                tag = "latest";
            }

            var parts = rest.Split('/');
            OpenImRegistry registry = null;
            var index = 0;
            if (parts.Length > 1 && (parts[0].Contains(".") || parts[0].Contains(":") || parts[0] == "localhost"))
            {
                registry = FindByHost(parts[0], registries);
                if (registry == null)
                {
                    throw new OpenImException(
                        "RegistryNotFound",
                        OpenImErrorKind.NotFound,
                        $"'{TagGrammar.Quote(parts[0])}' in '{TagGrammar.Quote(text)}' is not a known registry host. " +
                        "Known: " + string.Join(", ", registries.Select(r => r.Host)) + ".",
                        text,
                        null,
                        "Register the registry with Register-OpenImRegistry, or use a reference to a known one.");
                }

                index = 1;
            }

            var repository = string.Join("/", parts.Skip(index));
            if (!TagGrammar.IsValidRepositoryName(repository))
            {
                throw Invalid(text, $"'{TagGrammar.Quote(repository)}' is not a valid repository name");
            }

            var slash = repository.LastIndexOf('/');
            var name = slash < 0 ? repository : repository.Substring(slash + 1);
            var space = slash < 0 ? null : repository.Substring(0, slash);
            if (registry != null && space != null && space != registry.Namespace)
            {
                throw Invalid(
                    text,
                    $"the namespace '{space}' is not the OpenIM namespace '{registry.Namespace}' of {registry.Name}");
            }

            if (registry == null && space != null)
            {
                // Without a host, the namespace picks the registries that use it (docker.io/openim style).
                if (!registries.Any(r => r.Namespace == space))
                {
                    throw Invalid(text, $"no known registry keeps OpenIM images under '{space}'");
                }
            }

            var definition = ImageCatalog.Find(name);
            if (definition == null)
            {
                var suggestions = ImageCatalog.Suggest(name);
                throw new OpenImException(
                    "ImageNotFound",
                    OpenImErrorKind.NotFound,
                    $"'{TagGrammar.Quote(name)}' is not an OpenIM image in the catalog." +
                    (suggestions.Count > 0 ? " Did you mean " + string.Join(", ", suggestions) + "?" : string.Empty),
                    text,
                    null,
                    "Run 'Get-OpenImImage -All' to list the catalog.");
            }

            return new ImageReference(registry, definition.Name, tag, digest);
        }

        private static OpenImRegistry FindByHost(string host, IReadOnlyList<OpenImRegistry> registries)
        {
            bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
            return registries.FirstOrDefault(r => Same(r.Host, host))
                ?? registries.FirstOrDefault(r => Same(r.PullHost, host) || Same(r.Uri.Authority, host))
                ?? (Same(host, "index.docker.io") || Same(host, "registry-1.docker.io")
                    ? registries.FirstOrDefault(r => r.Host == "docker.io")
                    : null);
        }

        private static OpenImException Invalid(string text, string reason)
        {
            return new OpenImException(
                "InvalidReference",
                OpenImErrorKind.InvalidArgument,
                $"'{TagGrammar.Quote(text ?? string.Empty)}' is not a usable image reference: {reason}.",
                text,
                null,
                "Use a reference such as ghcr.io/openimsdk/openim-server:v3.8.3.");
        }
    }
}
