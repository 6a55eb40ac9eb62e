using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>A registry answer with its body read into memory (bodies here are small and capped).</summary>
    public sealed class RegistryResponse
    {
        internal RegistryResponse(HttpResponseMessage message, byte[] body, TimeSpan elapsed)
        {
            StatusCode = message.StatusCode;
            RequestUri = message.RequestMessage?.RequestUri;
            Body = body ?? Array.Empty<byte>();
            Elapsed = elapsed;
            ContentType = message.Content?.Headers.ContentType?.MediaType;
            ContentLength = message.Content?.Headers.ContentLength;
            Challenges = AuthChallenge.FromHeaders(message.Headers.WwwAuthenticate);
            RateLimit = RateLimitInfo.FromResponse(message);
            RetryAfter = ReadRetryAfter(message);
            Headers = message.Headers
                .Concat(message.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(
                    g => g.Key,
                    g => string.Join(",", g.SelectMany(h => h.Value)),
                    StringComparer.OrdinalIgnoreCase);
        }

        public HttpStatusCode StatusCode { get; }

        public int Status => (int)StatusCode;

        public Uri RequestUri { get; }

        public byte[] Body { get; }

        public TimeSpan Elapsed { get; }

        public string ContentType { get; }

        public long? ContentLength { get; }

        public IReadOnlyList<AuthChallenge> Challenges { get; }

        public RateLimitInfo RateLimit { get; }

        public TimeSpan? RetryAfter { get; }

        public IReadOnlyDictionary<string, string> Headers { get; }

        public bool IsSuccess => Status >= 200 && Status < 300;

        public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

        public string BodyText() => Encoding.UTF8.GetString(Body);

        private static TimeSpan? ReadRetryAfter(HttpResponseMessage message)
        {
            var retryAfter = message.Headers.RetryAfter;
            if (retryAfter == null)
            {
                return null;
            }

            if (retryAfter.Delta.HasValue)
            {
                return retryAfter.Delta.Value < TimeSpan.Zero ? TimeSpan.Zero : retryAfter.Delta.Value;
            }

            if (retryAfter.Date.HasValue)
            {
                var delta = retryAfter.Date.Value - DateTimeOffset.UtcNow;
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            return null;
        }
    }
}
