using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// Sends registry requests: authentication (Bearer tokens or Basic), retries with jittered backoff
    /// that honours Retry-After, a timeout per request, a bound per host, capped bodies, and one
    /// Verbose line per round trip. Secrets never reach a log line.
    /// </summary>
    internal sealed class RegistryTransport
    {
        private static readonly Random Jitter = new Random();
        private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> TokensInFlight =
            new ConcurrentDictionary<string, Lazy<Task<string>>>();

        private readonly RegistrySession _session;
        private readonly IOpenImLog _log;
        private readonly Func<OpenImRegistry, RegistryCredential> _credentials;

        public RegistryTransport(
            RegistrySession session,
            IOpenImLog log,
            Func<OpenImRegistry,
            RegistryCredential> credentials)
        {
            _session = session;
            _log = log;
            _credentials = credentials;
        }

        private RegistryClientOptions Options => _session.Options;

        /// <summary>
        /// Sends an authenticated request. A 401 stores the registry's challenge, fetches a token (or
        /// uses Basic credentials) and tries once more; a second 401 is returned to the caller.
        /// </summary>
        public async Task<RegistryResponse> SendAsync(
            OpenImRegistry registry,
            HttpMethod method,
            Uri uri,
            string scope,
            string accept,
            int maxBody,
            CancellationToken cancellationToken)
        {
            var endpointKey = registry.Uri.GetLeftPart(UriPartial.Authority);
            var renewed = false;
            while (true)
            {
                var authorization = await AuthorizationAsync(registry, endpointKey, scope, cancellationToken)
                    .ConfigureAwait(false);
                var response = await SendWithRetriesAsync(
                    registry,
                    () => Build(method, uri, accept, authorization?.Header),
                    maxBody,
                    cancellationToken).ConfigureAwait(false);
                if (response.Status != 401 || renewed)
                {
                    return response;
                }

                var challenge = response.Challenges.FirstOrDefault(c => c.IsBearer || c.IsBasic);
                if (challenge == null)
                {
                    return response;
                }

                // An expired or too narrow token is dropped; the next round fetches a fresh one.
                if (authorization?.TokenKey != null)
                {
                    _session.Tokens.Remove(authorization.TokenKey);
                    _log.Verbose($"{registry.Name}: the token was refused ({challenge.Error ?? "no reason given"}); " +
                                 "fetching a new one.");
                }

                _session.Challenges[endpointKey] = challenge;
                renewed = true;
            }
        }

        /// <summary>Sends one request, retrying 408, 429, 5xx and connection failures.</summary>
        public async Task<RegistryResponse> SendWithRetriesAsync(
            OpenImRegistry registry,
            Func<HttpRequestMessage> build,
            int maxBody,
            CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                RegistryResponse response;
                var request = build();
                var method = request.Method;
                var uri = request.RequestUri;
                try
                {
                    response = await SendOnceAsync(registry, request, maxBody, cancellationToken).ConfigureAwait(false);
                }
                catch (TransientFailure failure)
                {
                    if (attempt >= Options.MaxAttempts)
                    {
                        throw failure.ToRegistryException(registry, attempt);
                    }

                    var wait = Backoff(attempt);
                    _log.Verbose($"{registry.Name}: {method} {Display(uri)} failed ({failure.Message}); retrying in " +
                                 $"{wait.TotalMilliseconds:0} ms (attempt {attempt + 1} of {Options.MaxAttempts}).");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (response.RateLimit != null)
                {
                    _session.RateLimits[registry.Name] = response.RateLimit;
                }

                if (!IsTransient(response.Status) || attempt >= Options.MaxAttempts)
                {
                    return response;
                }

                var delay = response.RetryAfter ?? Backoff(attempt);
                if (response.RetryAfter.HasValue && response.RetryAfter.Value > Options.MaxRetryAfter)
                {
                    var asked = response.RetryAfter.Value.TotalSeconds;
                    _log.Verbose($"{registry.Name}: asked to retry after {asked:0} s, " +
                                 $"longer than the {Options.MaxRetryAfter.TotalSeconds:0} s this client waits.");
                    return response;
                }

                var reason = response.RetryAfter.HasValue ? "as Retry-After asks" : "backoff";
                _log.Verbose($"{registry.Name}: {response.Status} for {method} {Display(uri)}; retrying in " +
                             $"{delay.TotalMilliseconds:0} ms ({reason}; attempt {attempt + 1} of " +
                                 $"{Options.MaxAttempts}).");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>The URL without its query's values, for log lines.</summary>
        internal static string Display(Uri uri)
        {
            return uri == null ? string.Empty : uri.GetLeftPart(UriPartial.Path) + (
                string.IsNullOrEmpty(uri.Query) ? string.Empty : uri.Query);
        }

        private static bool IsTransient(int status)
        {
            return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
        }

        private static HttpRequestMessage Build(
            HttpMethod method,
            Uri uri,
            string accept,
            AuthenticationHeaderValue authorization)
        {
            var request = new HttpRequestMessage(method, uri);
            if (!string.IsNullOrEmpty(accept))
            {
                foreach (var type in accept.Split(','))
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type.Trim()));
                }
            }

            request.Headers.Authorization = authorization;
            return request;
        }

        private TimeSpan Backoff(int attempt)
        {
            var ceiling = Math.Min(
                Options.MaxDelay.TotalMilliseconds,
                Options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
            double factor;
            lock (Jitter)
            {
                factor = 0.5 + (Jitter.NextDouble() / 2);
            }

            return TimeSpan.FromMilliseconds(ceiling * factor);
        }

        private async Task<RegistryResponse> SendOnceAsync(
            OpenImRegistry registry,
            HttpRequestMessage request,
            int maxBody,
            CancellationToken cancellationToken)
        {
            var gate = _session.GateFor(request.RequestUri);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var limit = Options.RequestTimeout;
            try
            {
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    timeout.CancelAfter(limit);
                    _log.Debug($"{request.Method} {Display(request.RequestUri)} {RedactedHeaders(request)}");
                    try
                    {
                        using (var message = await _session.Http.SendAsync(
                            request,
                            HttpCompletionOption.ResponseHeadersRead,
                            timeout.Token).ConfigureAwait(false))
                        {
                            var body = await ReadCappedAsync(registry, message, maxBody, timeout.Token)
                                .ConfigureAwait(false);
                            var response = new RegistryResponse(message, body, clock.Elapsed);
                            _log.Verbose($"{registry.Name}: {request.Method} {Display(request.RequestUri)} -> " +
                                         $"{response.Status} ({clock.ElapsedMilliseconds} ms, {body.Length} B)");
                            return response;
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new TransientFailure(
                            "RegistryTimeout",
                            $"no answer within {limit.TotalSeconds:0.#} s",
                            null);
                    }
                    catch (HttpRequestException ex) when (FindInner<AuthenticationException>(ex) != null)
                    {
                        throw new RegistryException(
                            "RegistryCertificateInvalid",
                            OpenImErrorKind.SecurityError,
                            registry,
                            $"the TLS certificate of {request.RequestUri.Host} was not accepted: " +
                            FindInner<AuthenticationException>(ex).Message,
                            request.RequestUri.Host,
                            ex,
                            "Check the host name and the certificate chain, " +
                            "or trust the registry's CA on this machine.");
                    }
                    catch (HttpRequestException ex)
                    {
                        throw new TransientFailure("RegistryUnreachable", Innermost(ex).Message, ex);
                    }
                    catch (IOException ex)
                    {
                        throw new TransientFailure("RegistryUnreachable", "the connection broke: " + ex.Message, ex);
                    }
                    catch (System.Net.Sockets.SocketException ex)
                    {
                        // A connection closed while it is being set up can surface unwrapped.
                        throw new TransientFailure("RegistryUnreachable", ex.Message, ex);
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }

        private async Task<byte[]> ReadCappedAsync(
            OpenImRegistry registry,
            HttpResponseMessage message,
            int maxBody,
            CancellationToken cancellationToken)
        {
            if (message.Content == null)
            {
                return Array.Empty<byte>();
            }

            var declared = message.Content.Headers.ContentLength;
            if (declared.HasValue && declared.Value > maxBody)
            {
                throw TooLarge(registry, message, declared.Value, maxBody);
            }

            using (var stream = await message.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[16 * 1024];
                while (true)
                {
                    var read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    if (buffer.Length + read > maxBody)
                    {
                        throw TooLarge(registry, message, buffer.Length + read, maxBody);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.ToArray();
            }
        }

        private static RegistryException TooLarge(
            OpenImRegistry registry,
            HttpResponseMessage message,
            long size,
            int cap)
        {
            return new RegistryException(
                "ResponseTooLarge",
                OpenImErrorKind.LimitsExceeded,
                registry,
                $"the answer to {Display(message.RequestMessage?.RequestUri)} is larger than {cap / 1024} KiB " +
                $"(at least {size / 1024} KiB); it was not read.",
                message.RequestMessage?.RequestUri?.ToString(),
                null,
                "A registry document this large is not a real manifest or tag page; check the registry.",
                (int)message.StatusCode);
        }

        private async Task<AuthorizationChoice> AuthorizationAsync(
            OpenImRegistry registry,
            string endpointKey,
            string scope,
            CancellationToken cancellationToken)
        {
            if (!_session.Challenges.TryGetValue(endpointKey, out var challenge))
            {
                // Until the registry challenges, requests go out anonymously: many never do.
                return null;
            }

            if (challenge.IsBasic)
            {
                var basic = _credentials(registry);
                if (basic == null)
                {
                    return null;
                }

                var raw = Convert.ToBase64String(Encoding.UTF8.GetBytes(basic.UserName + ":" + basic.Secret));
                return new AuthorizationChoice(new AuthenticationHeaderValue("Basic", raw), null);
            }

            if (!challenge.IsBearer || string.IsNullOrEmpty(challenge.Realm))
            {
                return null;
            }

            var credential = _credentials(registry);
            var wanted = scope ?? challenge.Scope;
            var key = string.Join("|", challenge.Realm, challenge.Service, wanted, credential?.CacheKey ?? "anonymous");
            var cached = _session.Tokens.Get(key);
            if (cached == null)
            {
                // Concurrent requests for the same scope share one token request.
                var flight = TokensInFlight.GetOrAdd(
                    key,
                    _ => new Lazy<Task<string>>(() => FetchTokenAsync(
                        registry,
                        challenge,
                        wanted,
                        credential,
                        key,
                        cancellationToken)));
                try
                {
                    cached = await flight.Value.ConfigureAwait(false);
                }
                finally
                {
                    TokensInFlight.TryRemove(key, out _);
                }
            }

            return new AuthorizationChoice(new AuthenticationHeaderValue("Bearer", cached), key);
        }

        private async Task<string> FetchTokenAsync(
            OpenImRegistry registry,
            AuthChallenge challenge,
            string scope,
            RegistryCredential credential,
            string key,
            CancellationToken cancellationToken)
        {
            var realm = CheckRealm(registry, challenge.Realm);
            var query = new List<string>();
            if (!string.IsNullOrEmpty(challenge.Service))
            {
                query.Add("service=" + Uri.EscapeDataString(challenge.Service));
            }

            if (!string.IsNullOrEmpty(scope))
            {
                query.Add("scope=" + Uri.EscapeDataString(scope));
            }

            var getUri = new UriBuilder(realm) { Query = string.Join("&", query) }.Uri;
            RegistryResponse response;
            try
            {
                response = await RequestTokenAsync(
                    registry,
                    realm,
                    getUri,
                    challenge,
                    scope,
                    credential,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException ex) when (ex.ErrorId == "RegistryUnreachable" || ex.ErrorId == "RegistryTimeout")
            {
                // The registry itself answered; saying so keeps users from chasing the wrong host.
                throw new RegistryException(
                    ex.ErrorId,
                    ex.Kind,
                    registry,
                    $"its token service {realm.GetLeftPart(UriPartial.Path)} did not answer: {ex.Reason}",
                    realm.GetLeftPart(UriPartial.Authority),
                    ex.InnerException,
                    ex.RecommendedAction);
            }

            if (response.Status == 401 || response.Status == 403)
            {
                if (credential != null)
                {
                    throw new RegistryException(
                        "RegistryAuthenticationFailed",
                        OpenImErrorKind.PermissionDenied,
                        registry,
                        $"the token service refused the credential {credential}.",
                        registry.Name,
                        null,
                        "Check the user name and password or token, or run docker login again.",
                        response.Status);
                }

                throw new RegistryException(
                    "RegistryAuthenticationRequired",
                    OpenImErrorKind.PermissionDenied,
                    registry,
                    "the token service requires credentials.",
                    registry.Name,
                    null,
                    "Pass -Credential, or log in with docker login so Docker's config holds a credential.",
                    response.Status);
            }

            if (response.Status == 429 || response.Status >= 500)
            {
                // A busy or broken token service is the registry's trouble (another may answer), not a
                // protocol error.
                throw RegistryErrors.FromResponse(registry, response, "its token service", false, credential != null);
            }

            if (!response.IsSuccess)
            {
                throw RegistryErrors.Unexpected(registry, response, "the token service");
            }

            var token = ParseToken(registry, response, out var lifetime);
            _session.Tokens.Put(key, token, lifetime);
            _log.Verbose($"{registry.Name}: token for '{scope ?? "registry"}' as " +
                         $"{(credential == null ? "anonymous" : credential.ToString())}, valid " +
                             $"{lifetime.TotalSeconds:0} s.");
            return token;
        }

        private async Task<RegistryResponse> RequestTokenAsync(
            OpenImRegistry registry,
            Uri realm,
            Uri getUri,
            AuthChallenge challenge,
            string scope,
            RegistryCredential credential,
            CancellationToken cancellationToken)
        {
            if (credential != null && credential.IsIdentityToken)
            {
                return await PostTokenFormAsync(registry, realm, challenge, scope, credential, cancellationToken)
                    .ConfigureAwait(false);
            }

            AuthenticationHeaderValue basic = null;
            if (credential != null)
            {
                basic = new AuthenticationHeaderValue(
                    "Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Secret)));
            }

            var response = await SendWithRetriesAsync(
                registry,
                () => Build(HttpMethod.Get, getUri, "application/json", basic),
                64 * 1024,
                cancellationToken).ConfigureAwait(false);

            // Some token services only take credentials through the OAuth2 form.
            if (credential != null && (response.Status == 404 || response.Status == 405))
            {
                response = await PostTokenFormAsync(registry, realm, challenge, scope, credential, cancellationToken)
                    .ConfigureAwait(false);
            }

            return response;
        }

        private async Task<RegistryResponse> PostTokenFormAsync(
            OpenImRegistry registry,
            Uri realm,
            AuthChallenge challenge,
            string scope,
            RegistryCredential credential,
            CancellationToken cancellationToken)
        {
            var fields = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("client_id", "OpenIm.PowerShell"),
            };
            if (credential.IsIdentityToken)
            {
                fields.Add(new KeyValuePair<string, string>("grant_type", "refresh_token"));
                fields.Add(new KeyValuePair<string, string>("refresh_token", credential.Secret));
            }
            else
            {
                fields.Add(new KeyValuePair<string, string>("grant_type", "password"));
                fields.Add(new KeyValuePair<string, string>("username", credential.UserName));
                fields.Add(new KeyValuePair<string, string>("password", credential.Secret));
            }

            if (!string.IsNullOrEmpty(challenge.Service))
            {
                fields.Add(new KeyValuePair<string, string>("service", challenge.Service));
            }

            if (!string.IsNullOrEmpty(scope))
            {
                fields.Add(new KeyValuePair<string, string>("scope", scope));
            }

            return await SendWithRetriesAsync(
                registry,
                () => new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(fields) },
                64 * 1024,
                cancellationToken).ConfigureAwait(false);
        }

        private string ParseToken(OpenImRegistry registry, RegistryResponse response, out TimeSpan lifetime)
        {
            lifetime = Options.DefaultTokenLifetime;
            try
            {
                using (var document = JsonDocument.Parse(response.Body))
                {
                    var root = document.RootElement;
                    string token = null;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        if (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String)
                        {
                            token = t.GetString();
                        }

                        if (string.IsNullOrEmpty(token) && root.TryGetProperty("access_token", out var a)
                            && a.ValueKind == JsonValueKind.String)
                        {
                            token = a.GetString();
                        }

                        if (root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number
                            && e.TryGetInt32(out var seconds) && seconds > 0)
                        {
                            lifetime = TimeSpan.FromSeconds(seconds);
                        }
                    }

                    if (string.IsNullOrEmpty(token))
                    {
                        throw RegistryErrors.Protocol(registry, "the token service answered without a token.", null);
                    }

                    return token;
                }
            }
            catch (JsonException ex)
            {
                throw RegistryErrors.Protocol(registry, "the token service answered something that is not JSON.", ex);
            }
        }

        private static Uri CheckRealm(OpenImRegistry registry, string realm)
        {
            if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw RegistryErrors.Protocol(registry, $"the token realm '{realm}' is not an http(s) URL.", null);
            }

            // Credentials must not travel in clear text because a registry says so.
            if (uri.Scheme == Uri.UriSchemeHttp && registry.Uri.Scheme == Uri.UriSchemeHttps)
            {
                throw new RegistryException(
                    "InsecureTokenRealm",
                    OpenImErrorKind.SecurityError,
                    registry,
                    $"the registry sent its token service as plain http ({uri.GetLeftPart(UriPartial.Authority)}); " +
                        $"refused.",
                    registry.Name);
            }

            return uri;
        }

        private static string RedactedHeaders(HttpRequestMessage request)
        {
            var parts = request.Headers.Select(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                ? h.Key + ": " + (request.Headers.Authorization?.Scheme ?? string.Empty) + " <redacted>"
                : h.Key + ": " + string.Join(",", h.Value));
            return "[" + string.Join("; ", parts) + "]";
        }

        private static T FindInner<T>(Exception exception)
            where T : Exception
        {
            for (var current = exception; current != null; current = current.InnerException)
            {
                if (current is T match)
                {
                    return match;
                }
            }

            return null;
        }

        private static Exception Innermost(Exception exception)
        {
            while (exception.InnerException != null)
            {
                exception = exception.InnerException;
            }

            return exception;
        }

        private sealed class AuthorizationChoice
        {
            public AuthorizationChoice(AuthenticationHeaderValue header, string tokenKey)
            {
                Header = header;
                TokenKey = tokenKey;
            }

            public AuthenticationHeaderValue Header { get; }

            public string TokenKey { get; }
        }

        private sealed class TransientFailure : Exception
        {
            public TransientFailure(string errorId, string message, Exception inner)
                : base(message, inner)
            {
                ErrorId = errorId;
            }

            public string ErrorId { get; }

            public RegistryException ToRegistryException(OpenImRegistry registry, int attempts)
            {
                var isTimeout = ErrorId == "RegistryTimeout";
                return new RegistryException(
                    ErrorId,
                    isTimeout ? OpenImErrorKind.Timeout : OpenImErrorKind.ConnectionError,
                    registry,
                    $"{Message} (after {attempts} attempts).",
                    registry.Name,
                    InnerException,
                    isTimeout
                        ? "The registry is slow or unreachable from here; try another registry with -Registry."
                        : "Check the network path to the registry, or use another registry with -Registry.");
            }
        }
    }
}
