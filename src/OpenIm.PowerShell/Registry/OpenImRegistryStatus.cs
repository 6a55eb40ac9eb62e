using System;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>What Test-OpenImRegistry measured of one registry, now.</summary>
    public sealed class OpenImRegistryStatus
    {
        public OpenImRegistryStatus(
            string registry,
            Uri uri,
            bool reachable,
            TimeSpan? latency,
            string authScheme,
            RateLimitInfo rateLimit,
            string errorId,
            string error)
        {
            Registry = registry;
            Uri = uri;
            Reachable = reachable;
            Latency = latency;
            AuthScheme = authScheme;
            RateLimit = rateLimit?.Limit;
            RateRemaining = rateLimit?.Remaining;
            RateWindow = rateLimit?.Window;
            ErrorId = errorId;
            Error = error;
        }

        public string Registry { get; }

        public Uri Uri { get; }

        /// <summary>True when the registry's API answered.</summary>
        public bool Reachable { get; }

        /// <summary>The round-trip time of the /v2/ request.</summary>
        public TimeSpan? Latency { get; }

        /// <summary>Bearer, Basic or None.</summary>
        public string AuthScheme { get; }

        /// <summary>Pulls allowed per window, when the registry states a quota (Docker Hub).</summary>
        public int? RateLimit { get; }

        /// <summary>Pulls left in the window.</summary>
        public int? RateRemaining { get; }

        /// <summary>The quota window; the quota is fully restored at most this long from now.</summary>
        public TimeSpan? RateWindow { get; }

        /// <summary>The error id when the registry failed.</summary>
        public string ErrorId { get; }

        /// <summary>Why the registry failed, when it did.</summary>
        public string Error { get; }
    }
}
