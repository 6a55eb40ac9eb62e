using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OpenIm.Lab.Fronts;

/// <summary>
/// A bearer token handed out by a stand-in: opaque, held in memory, with its grants.
/// </summary>
internal sealed record IssuedToken(
    string Value,
    DateTimeOffset Issued,
    int LifetimeSeconds,
    IReadOnlySet<string> Grants)
{
    public DateTimeOffset Expires => Issued.AddSeconds(LifetimeSeconds);
}

/// <summary>The outcome of checking a request's token against the access it needs.</summary>
internal enum TokenCheck
{
    Ok,
    Missing,
    Invalid,
    Expired,
    InsufficientScope,
}

/// <summary>
/// Issues and checks one stand-in's tokens; private repositories need the lab user.
/// </summary>
internal sealed class TokenIssuer
{
    public const int DefaultLifetimeSeconds = 300;

    private const string PrivateNamespace = "private/";

    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new(StringComparer.Ordinal);
    private int _lifetimeSeconds = DefaultLifetimeSeconds;

    public int LifetimeSeconds
    {
        get => Volatile.Read(ref _lifetimeSeconds);
        set => Volatile.Write(ref _lifetimeSeconds, value);
    }

    /// <summary>
    /// Grants pull on every requested repository the caller may read, and nothing else.
    /// </summary>
    public IssuedToken Issue(IEnumerable<string> requestedScopes, bool authenticated)
    {
        var grants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in requestedScopes)
        {
            if (!TryParseScope(scope, out var type, out var name, out var actions))
            {
                continue;
            }

            // Push is never granted: only the seeder and the admin API change the lab's content.
            if (type == "repository" && actions.Contains("pull")
                && (authenticated || !name.StartsWith(PrivateNamespace, StringComparison.Ordinal)))
            {
                grants.Add($"repository:{name}:pull");
            }
            else if (type == "registry" && name == "catalog")
            {
                grants.Add("registry:catalog:*");
            }
        }

        // Expired tokens pile up only in long runs; dropping them on issue keeps the table small
        // without a timer.
        if (_tokens.Count > 10_000)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var stale in _tokens.Where(t => t.Value.Expires < now))
            {
                _tokens.TryRemove(stale.Key, out _);
            }
        }

        var token = new IssuedToken(NewSecret(), DateTimeOffset.UtcNow, LifetimeSeconds, grants);
        _tokens[token.Value] = token;
        return token;
    }

    public string IssueRefreshToken(bool authenticated)
    {
        var value = NewSecret();
        _refreshTokens[value] = authenticated;
        return value;
    }

    /// <summary>Whether a refresh token is known, and for whom it was issued.</summary>
    public bool TryRedeem(string refreshToken, out bool authenticated) =>
        _refreshTokens.TryGetValue(refreshToken, out authenticated);

    /// <summary>
    /// Checks a bearer token; a null scope asks only for a valid token, as GET /v2/ does.
    /// </summary>
    public TokenCheck Check(string? bearer, string? requiredScope)
    {
        if (string.IsNullOrEmpty(bearer))
        {
            return TokenCheck.Missing;
        }

        if (!_tokens.TryGetValue(bearer, out var token))
        {
            return TokenCheck.Invalid;
        }

        if (token.Expires <= DateTimeOffset.UtcNow)
        {
            return TokenCheck.Expired;
        }

        if (requiredScope is null)
        {
            return TokenCheck.Ok;
        }

        TryParseScope(requiredScope, out var type, out var name, out var actions);
        var granted = type == "registry"
            ? token.Grants.Contains(requiredScope)
            : actions.All(action => token.Grants.Contains($"{type}:{name}:{action}"));
        return granted ? TokenCheck.Ok : TokenCheck.InsufficientScope;
    }

    /// <summary>
    /// Forgets every token, so the next request of each client meets a fresh challenge.
    /// </summary>
    public void Revoke()
    {
        _tokens.Clear();
        _refreshTokens.Clear();
    }

    /// <summary>
    /// Splits type:name:actions; the name may hold slashes but not colons in this lab.
    /// </summary>
    public static bool TryParseScope(string scope, out string type, out string name, out string[] actions)
    {
        var first = scope.IndexOf(':');
        var last = scope.LastIndexOf(':');
        if (first <= 0 || last <= first)
        {
            (type, name, actions) = ("", "", []);
            return false;
        }

        type = scope[..first];
        name = scope[(first + 1)..last];
        actions = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        return true;
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
