using System.Text.Json.Nodes;

namespace OpenIm.Lab.Fronts;

/// <summary>
/// What makes one stand-in behave like its real registry rather than like the others.
/// </summary>
internal sealed record StandInProfile(
    StandIn Name,
    string Service,
    bool DeniesUnknownRepositories,
    int DefaultPullLimit)
{
    /// <summary>
    /// Anonymous Docker Hub pulls are limited to 100 per six hours, the others do not count pulls.
    /// </summary>
    public static StandInProfile For(StandIn name) => name switch
    {
        StandIn.Ghcr => new(name, "ghcr.io", DeniesUnknownRepositories: true, DefaultPullLimit: 0),
        StandIn.Aliyun => new(name, "registry.aliyuncs.com:cn-hangzhou:26842", false, 0),
        StandIn.DockerHub => new(name, "registry.docker.io", false, 100),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// The token answer to a GET, shaped like the real service's so clients meet each variant.
    /// </summary>
    public JsonObject TokenAnswer(IssuedToken token, string? refreshToken)
    {
        var answer = new JsonObject { ["token"] = token.Value };
        if (Name != StandIn.Ghcr)
        {
            answer["access_token"] = token.Value;
            answer["expires_in"] = token.LifetimeSeconds;
        }

        if (Name == StandIn.DockerHub)
        {
            answer["issued_at"] = token.Issued.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
        }

        if (refreshToken is not null)
        {
            answer["refresh_token"] = refreshToken;
        }

        return answer;
    }

    /// <summary>The OAuth2 answer to a POST; it always names the token access_token.</summary>
    public JsonObject OAuthAnswer(IssuedToken token, string? refreshToken, string scope)
    {
        var answer = new JsonObject { ["access_token"] = token.Value };
        if (Name != StandIn.Ghcr)
        {
            answer["expires_in"] = token.LifetimeSeconds;
        }

        if (Name == StandIn.DockerHub)
        {
            answer["issued_at"] = token.Issued.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
            answer["scope"] = scope;
        }

        if (refreshToken is not null)
        {
            answer["refresh_token"] = refreshToken;
        }

        return answer;
    }
}
