using System;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>Limits of the registry client: timeouts, retries and caps.</summary>
    public sealed class RegistryClientOptions
    {
        /// <summary>How long one request may take, body included.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Attempts per request, the first included, for 408, 429, 5xx and connection failures.</summary>
        public int MaxAttempts { get; set; } = 4;

        /// <summary>The first backoff delay; it doubles per attempt, with jitter.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

        /// <summary>The longest backoff delay between two attempts.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(8);

        /// <summary>The longest Retry-After the client waits out; a longer one fails at once.</summary>
        public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(20);

        /// <summary>Concurrent requests to one host.</summary>
        public int MaxRequestsPerHost { get; set; } = 6;

        /// <summary>The largest manifest or tag page accepted.</summary>
        public int MaxDocumentBytes { get; set; } = 4 * 1024 * 1024;

        /// <summary>The most tag pages followed for one image, against a registry that pages forever.</summary>
        public int MaxTagPages { get; set; } = 5000;

        /// <summary>The token lifetime assumed when the token endpoint gives none.</summary>
        public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromSeconds(60);
    }
}
