using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OpenIm.Lab.Fronts;

/// <summary>The lab user, the only identity the stand-ins know.</summary>
internal sealed record LabCredentials(string User, string Password)
{
    public bool Accepts(string? user, string? password) =>
        string.Equals(user, User, StringComparison.Ordinal)
        && string.Equals(password, Password, StringComparison.Ordinal);
}

/// <summary>
/// The /token endpoint of one stand-in: GET with scope parameters and optional Basic auth, or the
/// OAuth2 POST form with a password or refresh token grant.
/// </summary>
internal sealed class TokenEndpoint(StandInProfile profile, TokenIssuer issuer, LabCredentials credentials)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method))
        {
            await HandleGetAsync(context);
        }
        else if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            await HandlePostAsync(context);
        }
        else
        {
            await RegistryErrors.WriteAsync(context, 405, "UNSUPPORTED", "use GET, or POST a form");
        }
    }

    private async Task HandleGetAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var authenticated = false;
        if (AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            var (user, password) = DecodeBasic(header.Parameter);
            if (!credentials.Accepts(user, password))
            {
                await RegistryErrors.WriteAsync(context, 401, "UNAUTHORIZED", "incorrect username or password");
                return;
            }

            authenticated = true;
        }

        var scopes = SplitScopes(query["scope"]);
        var token = issuer.Issue(scopes, authenticated);
        var refresh = query["offline_token"] == "true" ? issuer.IssueRefreshToken(authenticated) : null;
        await WriteJsonAsync(context, profile.TokenAnswer(token, refresh));
    }

    private async Task HandlePostAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        bool authenticated;
        string? refresh = null;
        switch (form["grant_type"].ToString())
        {
            case "password":
                if (!credentials.Accepts(form["username"], form["password"]))
                {
                    await RegistryErrors.WriteAsync(context, 401, "UNAUTHORIZED", "incorrect username or password");
                    return;
                }

                authenticated = true;
                refresh = issuer.IssueRefreshToken(authenticated: true);
                break;

            case "refresh_token":
                if (!issuer.TryRedeem(form["refresh_token"].ToString(), out authenticated))
                {
                    await RegistryErrors.WriteAsync(context, 401, "UNAUTHORIZED", "unknown refresh token");
                    return;
                }

                break;

            default:
                const string grants = "grant_type must be password or refresh_token";
                await RegistryErrors.WriteAsync(context, 400, "UNSUPPORTED", grants);
                return;
        }

        var scopes = SplitScopes(form["scope"]);
        var token = issuer.Issue(scopes, authenticated);
        await WriteJsonAsync(context, profile.OAuthAnswer(token, refresh, string.Join(' ', scopes)));
    }

    /// <summary>GET repeats the scope parameter, the OAuth2 form separates scopes with spaces.</summary>
    private static List<string> SplitScopes(Microsoft.Extensions.Primitives.StringValues values) =>
        values.SelectMany(v => (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    private static (string? User, string? Password) DecodeBasic(string? parameter)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter ?? ""));
            var colon = text.IndexOf(':');
            return colon < 0 ? (text, null) : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    private static Task WriteJsonAsync(HttpContext context, System.Text.Json.Nodes.JsonObject answer)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(answer);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
