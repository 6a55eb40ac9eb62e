using System;
using System.Collections.Concurrent;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>Bearer tokens by realm, service, scope and credential, kept until they expire.</summary>
    internal sealed class TokenCache
    {
        // A token is dropped a little before it expires so a request never leaves with a dying one.
        private static readonly TimeSpan Skew = TimeSpan.FromSeconds(5);

        private readonly ConcurrentDictionary<string, Entry> _entries = new ConcurrentDictionary<string, Entry>();

        public string Get(string key)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > DateTimeOffset.UtcNow)
            {
                return entry.Token;
            }

            return null;
        }

        public void Put(string key, string token, TimeSpan lifetime)
        {
            var usable = lifetime > Skew + Skew ? lifetime - Skew : lifetime;
            _entries[key] = new Entry(token, DateTimeOffset.UtcNow + usable);
        }

        public void Remove(string key)
        {
            _entries.TryRemove(key, out _);
        }

        public void Clear()
        {
            _entries.Clear();
        }

        private sealed class Entry
        {
            public Entry(string token, DateTimeOffset expiresAt)
            {
                Token = token;
                ExpiresAt = expiresAt;
            }

            public string Token { get; }

            public DateTimeOffset ExpiresAt { get; }
        }
    }
}
