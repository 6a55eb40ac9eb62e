using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>The answer of a registry's <c>/v2/</c> endpoint.</summary>
    public sealed class RegistryPing
    {
        public RegistryPing(int status, TimeSpan latency, AuthChallenge challenge)
        {
            Status = status;
            Latency = latency;
            Challenge = challenge;
        }

        public int Status { get; }

        public TimeSpan Latency { get; }

        public AuthChallenge Challenge { get; }

        /// <summary>Bearer, Basic, or None when the registry asks for no authentication.</summary>
        public string AuthScheme => Challenge == null ? "None" : (Challenge.IsBearer ? "Bearer" : Challenge.Scheme);
    }

    /// <summary>The digest, media type and size of a manifest, as a HEAD request reports them.</summary>
    public sealed class ManifestDescriptor
    {
        public ManifestDescriptor(string digest, string mediaType, long size)
        {
            Digest = digest;
            MediaType = mediaType;
            Size = size;
        }

        public string Digest { get; }

        public string MediaType { get; }

        public long Size { get; }
    }

    /// <summary>
    /// Talks the OCI distribution API to OpenIM's registries: ping, tag lists across pages, manifest
    /// digests and bodies (verified against their digests), and small blobs such as image configs.
    /// One instance serves one command; the connections and tokens live in the shared session.
    /// </summary>
    public sealed class RegistryClient
    {
        private static readonly Regex DigestShapedTag = new Regex(
            "^sha(256|512)[-:][0-9a-f]{32,}",
            RegexOptions.CultureInvariant);

        private readonly RegistrySession _session;
        private readonly IOpenImLog _log;
        private readonly RegistryCredential _explicitCredential;
        private readonly string _explicitCredentialRegistry;
        private readonly ConcurrentDictionary<string, RegistryCredential> _credentials =
            new ConcurrentDictionary<string, RegistryCredential>(StringComparer.OrdinalIgnoreCase);

        private readonly RegistryTransport _transport;

        /// <summary>
        /// A client on <paramref name="session"/>. An explicit <paramref name="credential"/> goes only to
        /// the registry named <paramref name="credentialRegistry"/> (every registry when that is null);
        /// the others get Docker's credential for them, or none.
        /// </summary>
        public RegistryClient(
            RegistrySession session,
            IOpenImLog log,
            RegistryCredential credential = null,
            string credentialRegistry = null)
        {
            _session = session ?? throw new ArgumentNullException(nameof(session));
            _log = log ?? NullOpenImLog.Instance;
            _explicitCredential = credential;
            _explicitCredentialRegistry = credentialRegistry;
            _transport = new RegistryTransport(_session, _log, CredentialFor);
        }

        /// <summary>The limits in force.</summary>
        public RegistryClientOptions Options => _session.Options;

        /// <summary>The pull scope of an image's repository, as registries name it in tokens.</summary>
        public static string PullScope(
            OpenImRegistry registry,
            string image) => "repository:" + registry.PathOf(image) + ":pull";

        /// <summary>
        /// The credential used for a registry, first found wins: the one passed to this command (for the
        /// registry it was meant for), then Docker's (credential helpers, credsStore, auths), else
        /// anonymous (null).
        /// </summary>
        public RegistryCredential CredentialFor(OpenImRegistry registry)
        {
            if (_explicitCredential != null
                && (_explicitCredentialRegistry == null
                    || string.Equals(_explicitCredentialRegistry, registry.Name, StringComparison.OrdinalIgnoreCase)))
            {
                return _explicitCredential;
            }

            return _credentials.GetOrAdd(registry.Name, _ =>
            {
                var found = new DockerCredentialStore(_log).Find(registry);
                _log.Verbose(found == null
                    ? $"{registry.Name}: no credential found; anonymous."
                    : $"{registry.Name}: using credential {found}.");
                return found;
            });
        }

        /// <summary>Asks <c>/v2/</c>: reachability, latency and the authentication scheme.</summary>
        public async Task<RegistryPing> PingAsync(OpenImRegistry registry, CancellationToken cancellationToken)
        {
            var uri = new Uri(registry.Uri, "/v2/");
            var response = await _transport.SendWithRetriesAsync(
                registry,
                () => new HttpRequestMessage(HttpMethod.Get, uri),
                64 * 1024,
                cancellationToken).ConfigureAwait(false);
            var challenge = response.Challenges.FirstOrDefault();
            if (challenge != null)
            {
                _session.Challenges[registry.Uri.GetLeftPart(UriPartial.Authority)] = challenge;
            }

            if (response.Status != 200 && response.Status != 401)
            {
                throw RegistryErrors.FromResponse(registry, response, "the API root /v2/", false, false);
            }

            return new RegistryPing(response.Status, response.Elapsed, challenge);
        }

        /// <summary>
        /// Every tag of an image, following <c>Link: rel="next"</c> on the same host only. Null and
        /// digest-shaped entries (signatures, attestations) are skipped; the order is not the server's.
        /// </summary>
        public async Task<IReadOnlyList<string>> ListTagsAsync(
            OpenImRegistry registry,
            string image,
            CancellationToken cancellationToken)
        {
            var path = registry.PathOf(image);
            var scope = PullScope(registry, image);
            var next = new Uri(registry.Uri, "/v2/" + path + "/tags/list?n=1000");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var tags = new HashSet<string>(StringComparer.Ordinal);
            var pages = 0;
            while (next != null)
            {
                pages++;
                if (!seen.Add(next.AbsoluteUri) || pages > Options.MaxTagPages)
                {
                    throw RegistryErrors.Protocol(
                        registry,
                        $"the tag list of {path} pages without end (page {pages}).",
                        null);
                }

                var response = await _transport.SendAsync(
                    registry,
                    HttpMethod.Get,
                    next,
                    scope,
                    "application/json",
                    Options.MaxDocumentBytes,
                    cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    throw RegistryErrors.FromResponse(registry, response, path, false, CredentialFor(registry) != null);
                }

                foreach (var tag in ParseTagPage(registry, path, response))
                {
                    tags.Add(tag);
                }

                next = NextPage(registry, next, response.Header("Link"));
            }

            _log.Verbose($"{registry.Name}: {tags.Count} tags of {path} in {pages} page(s).");
            return tags.ToArray();
        }

        /// <summary>
        /// The digest, media type and size of a tag or digest, by HEAD. A registry that sends no
        /// digest on HEAD gets a GET, and the digest is computed from the body.
        /// </summary>
        public async Task<ManifestDescriptor> HeadManifestAsync(
            OpenImRegistry registry,
            string image,
            string reference,
            CancellationToken cancellationToken)
        {
            var response = await SendManifestRequestAsync(
                registry,
                image,
                reference,
                HttpMethod.Head,
                cancellationToken)
                .ConfigureAwait(false);
            var digest = response.Header("Docker-Content-Digest");
            if (string.IsNullOrEmpty(digest) || !IsDigest(digest))
            {
                var document = await GetManifestAsync(registry, image, reference, null, cancellationToken)
                    .ConfigureAwait(false);
                return new ManifestDescriptor(document.Digest, document.MediaType, document.Size);
            }

            return new ManifestDescriptor(digest, response.ContentType, response.ContentLength ?? 0);
        }

        /// <summary>
        /// The manifest of a tag or digest, verified: its sha256 must equal the registry's
        /// <c>Docker-Content-Digest</c> and, when given, <paramref name="expectedDigest"/>; a mismatch is
        /// a <c>DigestMismatch</c> error and the content is not used.
        /// </summary>
        public async Task<ManifestDocument> GetManifestAsync(
            OpenImRegistry registry,
            string image,
            string reference,
            string expectedDigest,
            CancellationToken cancellationToken)
        {
            var response = await SendManifestRequestAsync(registry, image, reference, HttpMethod.Get, cancellationToken)
                .ConfigureAwait(false);
            var computed = Sha256Digest(response.Body);
            var stated = response.Header("Docker-Content-Digest");
            var what = registry.PathOf(image) + (reference.StartsWith(
                "sha256:",
                StringComparison.Ordinal) ? "@" : ":") + reference;
            if (!string.IsNullOrEmpty(stated) && IsSha256(stated) && !string.Equals(
                stated,
                computed,
                StringComparison.Ordinal))
            {
                throw DigestMismatch(
                    registry,
                    what,
                    $"the registry states {stated} but the content hashes to {computed}");
            }

            var wanted = expectedDigest ?? (reference.StartsWith(
                "sha256:",
                StringComparison.Ordinal) ? reference : null);
            if (wanted != null && !string.Equals(wanted, computed, StringComparison.Ordinal))
            {
                throw DigestMismatch(registry, what, $"expected {wanted} but the content hashes to {computed}");
            }

            try
            {
                return ManifestDocument.Parse(response.Body, computed, response.ContentType);
            }
            catch (FormatException ex)
            {
                throw RegistryErrors.Protocol(registry, $"the manifest of {what} is not usable: {ex.Message}", ex);
            }
        }

        /// <summary>A small blob such as an image config, verified against its digest.</summary>
        public async Task<byte[]> GetBlobAsync(
            OpenImRegistry registry,
            string image,
            string digest,
            int maxBytes,
            CancellationToken cancellationToken)
        {
            var uri = new Uri(registry.Uri, "/v2/" + registry.PathOf(image) + "/blobs/" + digest);
            var response = await _transport.SendAsync(
                registry,
                HttpMethod.Get,
                uri,
                PullScope(registry, image),
                null,
                maxBytes,
                cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw RegistryErrors.FromResponse(
                    registry,
                    response,
                    registry.PathOf(image) + "@" + digest,
                    true,
                    CredentialFor(registry) != null);
            }

            var computed = Sha256Digest(response.Body);
            if (IsSha256(digest) && computed != digest)
            {
                throw DigestMismatch(registry, registry.PathOf(image) + "@" + digest, $"the blob hashes to {computed}");
            }

            return response.Body;
        }

        /// <summary>
        /// When the image behind a manifest was created, from its config (the first platform's for an
        /// index); null when the config does not say.
        /// </summary>
        public async Task<DateTimeOffset?> GetCreatedAsync(
            OpenImRegistry registry,
            string image,
            ManifestDocument manifest,
            CancellationToken cancellationToken)
        {
            var single = manifest;
            if (manifest.IsIndex)
            {
                var entry = manifest.Platforms.FirstOrDefault(
                    p => p.Architecture == "amd64") ?? manifest.Platforms.FirstOrDefault();
                if (entry == null)
                {
                    return null;
                }

                single = await GetManifestAsync(registry, image, entry.Digest, entry.Digest, cancellationToken)
                    .ConfigureAwait(false);
            }

            if (single.Config == null || string.IsNullOrEmpty(single.Config.Digest))
            {
                return null;
            }

            var config = await GetBlobAsync(
                registry,
                image,
                single.Config.Digest,
                Options.MaxDocumentBytes,
                cancellationToken)
                .ConfigureAwait(false);
            try
            {
                using (var document = JsonDocument.Parse(config))
                {
                    if (document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("created", out var created)
                        && created.ValueKind == JsonValueKind.String
                        && DateTimeOffset.TryParse(
                            created.GetString(),
                            CultureInfo.InvariantCulture,
                            DateTimeStyles.AssumeUniversal,
                            out var when))
                    {
                        return when;
                    }
                }
            }
            catch (JsonException)
            {
                // A config that is not JSON has no creation time to offer.
            }

            return null;
        }

        /// <summary>
        /// For a single-platform manifest (no index), whether its config names the platform; old
        /// single-platform tags carry the platform only there.
        /// </summary>
        public async Task<bool> SinglePlatformMatchesAsync(
            OpenImRegistry registry,
            string image,
            ManifestDocument manifest,
            PlatformSpec platform,
            CancellationToken cancellationToken)
        {
            if (manifest.Config == null || string.IsNullOrEmpty(manifest.Config.Digest))
            {
                return false;
            }

            var config = await GetBlobAsync(
                registry,
                image,
                manifest.Config.Digest,
                Options.MaxDocumentBytes,
                cancellationToken)
                .ConfigureAwait(false);
            try
            {
                using (var document = JsonDocument.Parse(config))
                {
                    var root = document.RootElement;
                    string Read(string name) => root.ValueKind == JsonValueKind.Object
                        && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                        ? value.GetString()
                        : null;
                    return platform.Matches(Read("os"), Read("architecture"), Read("variant"));
                }
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>The <c>sha256:</c> digest of some bytes, as registries write it.</summary>
        public static string Sha256Digest(byte[] content)
        {
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(content);
                return "sha256:" + BitConverter.ToString(hash).Replace("-", string.Empty).ToLowerInvariant();
            }
        }

        private static bool IsSha256(string digest)
        {
            return digest != null && digest.Length == 71 && digest.StartsWith("sha256:", StringComparison.Ordinal);
        }

        private static bool IsDigest(string digest)
        {
            return Regex.IsMatch(digest, "^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$");
        }

        private static RegistryException DigestMismatch(OpenImRegistry registry, string what, string detail)
        {
            return new RegistryException(
                "DigestMismatch",
                OpenImErrorKind.SecurityError,
                registry,
                $"the content of {what} does not match its digest: {detail}. It was not used.",
                what,
                null,
                "The registry or something between it and you altered the content; use another registry.");
        }

        private async Task<RegistryResponse> SendManifestRequestAsync(
            OpenImRegistry registry,
            string image,
            string reference,
            HttpMethod method,
            CancellationToken cancellationToken)
        {
            var separator = reference.Contains(":") ? "@" : ":";
            var uri = new Uri(registry.Uri, "/v2/" + registry.PathOf(image) + "/manifests/" + reference);
            var response = await _transport.SendAsync(
                registry,
                method,
                uri,
                PullScope(registry, image),
                ManifestMediaTypes.Accept,
                Options.MaxDocumentBytes,
                cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw RegistryErrors.FromResponse(
                    registry,
                    response,
                    registry.PathOf(image) + separator + reference,
                    true,
                    CredentialFor(registry) != null);
            }

            return response;
        }

        private IEnumerable<string> ParseTagPage(OpenImRegistry registry, string path, RegistryResponse response)
        {
            var result = new List<string>();
            try
            {
                using (var document = JsonDocument.Parse(response.Body))
                {
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        throw RegistryErrors.Protocol(registry, $"the tag list of {path} is not a JSON object.", null);
                    }

                    if (!root.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
                    {
                        return result;
                    }

                    if (tags.ValueKind != JsonValueKind.Array)
                    {
                        throw RegistryErrors.Protocol(registry, $"the tag list of {path} has no 'tags' array.", null);
                    }

                    foreach (var item in tags.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            continue;
                        }

                        var tag = item.GetString();
                        if (string.IsNullOrEmpty(tag) || DigestShapedTag.IsMatch(tag) || !TagGrammar.IsValidTag(tag))
                        {
                            continue;
                        }

                        result.Add(tag);
                    }
                }
            }
            catch (JsonException ex)
            {
                throw RegistryErrors.Protocol(registry, $"the tag list of {path} is not valid JSON.", ex);
            }

            return result;
        }

        private static Uri NextPage(OpenImRegistry registry, Uri current, string linkHeader)
        {
            if (string.IsNullOrEmpty(linkHeader))
            {
                return null;
            }

            // Link: </v2/name/tags/list?last=x&n=100>; rel="next"  (several links may be comma-separated)
            foreach (Match match in Regex.Matches(linkHeader, "<([^>]*)>\\s*((?:;\\s*[^,;]+)*)"))
            {
                var parameters = match.Groups[2].Value;
                if (!Regex.IsMatch(parameters, "rel\\s*=\\s*\"?next\"?", RegexOptions.IgnoreCase))
                {
                    continue;
                }

                if (!Uri.TryCreate(current, match.Groups[1].Value, out var next))
                {
                    throw RegistryErrors.Protocol(
                        registry,
                        $"the next-page link '{match.Groups[1].Value}' is not a URL.",
                        null);
                }

                if (!string.Equals(next.Scheme, current.Scheme, StringComparison.OrdinalIgnoreCase)
                    || !string.Equals(next.Authority, current.Authority, StringComparison.OrdinalIgnoreCase))
                {
                    throw new RegistryException(
                        "UnsafeLink",
                        OpenImErrorKind.SecurityError,
                        registry,
                        $"the next tag page points to another host or scheme " +
                            $"({next.GetLeftPart(UriPartial.Authority)}); " +
                        "not followed, so no token goes there.",
                        next.GetLeftPart(UriPartial.Authority));
                }

                return next;
            }

            return null;
        }
    }
}
