using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Threading;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// What registry calls share across commands in one process: one HttpClient (so connections are
    /// reused), the token cache, the challenges each registry sent, a bound on concurrent requests
    /// per host, and the last rate-limit quota seen per registry.
    /// </summary>
    public sealed class RegistrySession
    {
        private static readonly Lazy<RegistrySession> SharedSession = new Lazy<RegistrySession>(
            () => new RegistrySession());

        private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates =
            new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.OrdinalIgnoreCase);

        public RegistrySession(RegistryClientOptions options = null, HttpMessageHandler handler = null)
        {
            Options = options ?? new RegistryClientOptions();
            Http = new HttpClient(handler ?? CreateHandler(), disposeHandler: true)
            {
                // Each request carries its own timeout through a token; the client-wide one stays off.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            Http.DefaultRequestHeaders.UserAgent.ParseAdd(
                "OpenIm.PowerShell/" + typeof(RegistrySession).Assembly.GetName().Version);
        }

        /// <summary>The session every command in this process uses.</summary>
        public static RegistrySession Shared => SharedSession.Value;

        public RegistryClientOptions Options { get; }

        internal HttpClient Http { get; }

        internal TokenCache Tokens { get; } = new TokenCache();

        /// <summary>The Bearer or Basic challenge each registry endpoint sent last, keyed by endpoint.</summary>
        internal ConcurrentDictionary<string, AuthChallenge> Challenges { get; } =
            new ConcurrentDictionary<string, AuthChallenge>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The last rate-limit quota each registry reported, keyed by registry name.</summary>
        public ConcurrentDictionary<string, RateLimitInfo> RateLimits { get; } =
            new ConcurrentDictionary<string, RateLimitInfo>(StringComparer.OrdinalIgnoreCase);

        /// <summary>How long a registry that failed a probe is tried last instead of first.</summary>
        public static readonly TimeSpan ProbeMemory = TimeSpan.FromMinutes(5);

        private readonly ConcurrentDictionary<string, DateTimeOffset> _failedProbes =
            new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Records whether a registry answered a probe (Test-OpenImRegistry, or a pull that could not
        /// reach it). A registry that failed recently is tried after the others.
        /// </summary>
        public void RecordProbe(string registry, bool reachable)
        {
            if (reachable)
            {
                _failedProbes.TryRemove(registry, out _);
            }
            else
            {
                _failedProbes[registry] = DateTimeOffset.UtcNow;
            }
        }

        /// <summary>True when the registry failed a probe within <see cref="ProbeMemory"/>.</summary>
        public bool FailedProbeRecently(string registry)
        {
            return _failedProbes.TryGetValue(registry, out var when) && DateTimeOffset.UtcNow - when < ProbeMemory;
        }

        /// <summary>Forgets tokens, challenges, quotas and probe results, as a new process would.</summary>
        public void Reset()
        {
            Tokens.Clear();
            Challenges.Clear();
            RateLimits.Clear();
            _failedProbes.Clear();
        }

        internal SemaphoreSlim GateFor(Uri uri)
        {
            return _gates.GetOrAdd(uri.Authority, _ => new SemaphoreSlim(Options.MaxRequestsPerHost));
        }

        private static HttpMessageHandler CreateHandler()
        {
            var handler = new HttpClientHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                UseCookies = false,

                // Proxies come from the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) or the system.
                UseProxy = true,
            };

            try
            {
                handler.MaxConnectionsPerServer = 16;
            }
            catch (PlatformNotSupportedException)
            {
                // Older runtimes manage connection counts themselves.
            }

            return handler;
        }
    }
}
