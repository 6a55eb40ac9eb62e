using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// Docker Hub's pull quota as its <c>ratelimit-limit</c> and <c>ratelimit-remaining</c> headers
    /// state it (<c>100;w=21600</c>: 100 pulls per 21,600 s window).
    /// </summary>
    public sealed class RateLimitInfo
    {
        public RateLimitInfo(int? limit, int? remaining, TimeSpan? window, DateTimeOffset observed)
        {
            Limit = limit;
            Remaining = remaining;
            Window = window;
            Observed = observed;
        }

        /// <summary>Pulls allowed per window.</summary>
        public int? Limit { get; }

        /// <summary>Pulls left in the current window.</summary>
        public int? Remaining { get; }

        /// <summary>The length of the window.</summary>
        public TimeSpan? Window { get; }

        /// <summary>When the headers were read.</summary>
        public DateTimeOffset Observed { get; }

        /// <summary>The rate-limit headers of a response, or null when it has none.</summary>
        public static RateLimitInfo FromResponse(HttpResponseMessage response)
        {
            var limitText = First(response.Headers, "ratelimit-limit");
            var remainingText = First(response.Headers, "ratelimit-remaining");
            if (limitText == null && remainingText == null)
            {
                return null;
            }

            ParseValue(limitText, out var limit, out var window);
            ParseValue(remainingText, out var remaining, out var remainingWindow);
            return new RateLimitInfo(limit, remaining, window ?? remainingWindow, DateTimeOffset.UtcNow);
        }

        /// <summary>
        /// Parses <c>N</c> or <c>N;w=SECONDS</c>. Empty or odd values leave the parts null instead of
        /// failing: the quota is information, not a reason to stop.
        /// </summary>
        public static void ParseValue(string text, out int? value, out TimeSpan? window)
        {
            value = null;
            window = null;
            if (string.IsNullOrWhiteSpace(text))
            {
                return;
            }

            var parts = text.Split(';');
            if (int.TryParse(parts[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                value = number;
            }

            for (var i = 1; i < parts.Length; i++)
            {
                var pair = parts[i].Split('=');
                if (pair.Length == 2
                    && pair[0].Trim().Equals("w", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(pair[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                    && seconds >= 0)
                {
                    window = TimeSpan.FromSeconds(seconds);
                }
            }
        }

        public override string ToString()
        {
            var windowText = Window.HasValue ? $" per {Window.Value.TotalHours:0.#} h" : string.Empty;
            return $"{Remaining?.ToString(CultureInfo.InvariantCulture) ?? "?"} of " +
                   $"{Limit?.ToString(CultureInfo.InvariantCulture) ?? "?"}{windowText}";
        }

        private static string First(HttpResponseHeaders headers, string name)
        {
            return headers.TryGetValues(name, out var values)
                ? string.Join(",", values)
                : null;
        }
    }
}
