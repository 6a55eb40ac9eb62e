using System;
using System.Globalization;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>Limits of the registry client: timeouts, retries and caps.</summary>
    public sealed class RegistryClientOptions
    {
        /// <summary>
        /// The environment variable that overrides the 30 s default of <see cref="RequestTimeout"/>, in
        /// seconds (a number from 0.1 to 3600, such as <c>5</c> or <c>0.5</c>); other values are ignored.
        /// It is read at every request, so a session (or a test) can change it at any time.
        /// </summary>
        public const string RequestTimeoutVariable = "OPENIM_REQUEST_TIMEOUT";

        private static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

        private TimeSpan? _requestTimeout;

        /// <summary>
        /// How long one request may take, body included: the value set here, else
        /// <c>$env:OPENIM_REQUEST_TIMEOUT</c> seconds, else 30 s.
        /// </summary>
        public TimeSpan RequestTimeout
        {
            get => _requestTimeout ?? TimeoutFromEnvironment() ?? DefaultRequestTimeout;
            set => _requestTimeout = value;
        }

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

        private static TimeSpan? TimeoutFromEnvironment()
        {
            var text = Environment.GetEnvironmentVariable(RequestTimeoutVariable);
            if (string.IsNullOrWhiteSpace(text)
                || !double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || double.IsNaN(seconds) || seconds < 0.1 || seconds > 3600)
            {
                return null;
            }

            return TimeSpan.FromSeconds(seconds);
        }
    }
}
