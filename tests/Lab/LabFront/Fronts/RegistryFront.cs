using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using OpenIm.Lab.Admin;

namespace OpenIm.Lab.Fronts;

/// <summary>
/// One stand-in: challenges for Bearer tokens, pages and sorts tags, counts Docker Hub pulls,
/// injects faults, and proxies everything else to its open backend registry.
/// </summary>
internal sealed class RegistryFront
{
    /// <summary>
    /// Every manifest type the seed uses; registry 2.8 hides an OCI index unless it is accepted.
    /// </summary>
    public static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    private const int MaxPageSize = 100;

    private readonly StandInConfig _config;
    private readonly HttpClient _http;
    private readonly Uri _backend;
    private readonly RepositoryIndex _repositories;
    private readonly BackendProxy _proxy;
    private readonly TokenEndpoint _tokenEndpoint;
    private int _latencyMs;
    private long _bandwidth;

    public RegistryFront(StandInConfig config, LabCredentials credentials, HttpClient http)
    {
        _config = config;
        _http = http;
        _backend = new Uri(config.Backend);
        Profile = StandInProfile.For(config.Name);
        Quota = new PullQuota(Profile.DefaultPullLimit);
        _repositories = new RepositoryIndex(http, _backend);
        _proxy = new BackendProxy(http, _backend);
        _tokenEndpoint = new TokenEndpoint(Profile, Tokens, credentials);
        Reset();
    }

    public StandInProfile Profile { get; }

    public StandIn Name => _config.Name;

    public int Port => _config.Port;

    public TokenIssuer Tokens { get; } = new();

    public FaultSwitch Faults { get; } = new();

    public PullQuota Quota { get; }

    public RequestStats Stats { get; } = new();

    public int LatencyMs
    {
        get => Volatile.Read(ref _latencyMs);
        set => Volatile.Write(ref _latencyMs, Math.Max(0, value));
    }

    public long BandwidthBytesPerSecond
    {
        get => Interlocked.Read(ref _bandwidth);
        set => Interlocked.Exchange(ref _bandwidth, Math.Max(0, value));
    }

    private string Realm => $"http://127.0.0.1:{Port}/token";

    /// <summary>
    /// The down fault closes connections before any HTTP, as near as loopback gets to a dead host.
    /// </summary>
    public Task AcceptAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (!Faults.TakeForConnection())
        {
            return next(connection);
        }

        Stats.RecordRefusedConnection();
        connection.Abort(new ConnectionAbortedException("The lab's down fault is on."));
        return Task.CompletedTask;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        var request = context.Request;
        var route = RegistryRoute.Parse(request.Path.Value ?? "/");
        var answered = true;
        try
        {
            answered = await AnswerAsync(context, route);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException
            && context.RequestAborted.IsCancellationRequested)
        {
            answered = false;
        }
        catch (HttpRequestException e) when (!context.Response.HasStarted)
        {
            await RegistryErrors.WriteAsync(context, 502, "UNAVAILABLE", $"backend registry: {e.Message}");
        }
        finally
        {
            var status = answered ? context.Response.StatusCode : 0;
            var path = request.Path + request.QueryString;
            Stats.Record(route.Kind, request.Method, path, status, clock.ElapsedMilliseconds);
            LabLog.Write($"{Name} {request.Method} {path} {status} {clock.ElapsedMilliseconds}ms");
        }
    }

    /// <summary>
    /// Back to the settings the run started with: no faults, full quota, default token lifetime.
    /// </summary>
    public void Reset()
    {
        Faults.Clear();
        Quota.Reset();
        Stats.Reset();
        Tokens.LifetimeSeconds = TokenIssuer.DefaultLifetimeSeconds;
        LatencyMs = _config.LatencyMs;
        BandwidthBytesPerSecond = _config.BandwidthBytesPerSecond;
    }

    public object View() => new
    {
        Name,
        Port,
        Endpoint = $"http://127.0.0.1:{Port}",
        Profile.Service,
        _config.Namespace,
        _config.Backend,
        LatencyMs,
        BandwidthBytesPerSecond,
        TokenLifetimeSeconds = Tokens.LifetimeSeconds,
        RateLimit = Quota.View(),
        Faults = Faults.View(),
    };

    /// <summary>Points a tag at another tag's manifest by pushing that manifest again under it.</summary>
    public async Task<object> RetagAsync(string image, string tag, string to, CancellationToken cancellation)
    {
        var repository = image.Contains('/') ? image : $"{_config.Namespace}/{image}";

        // Concatenated, not resolved: a digest such as sha256:abc would read as a URI scheme.
        var manifests = $"{_backend.AbsoluteUri.TrimEnd('/')}/v2/{repository}/manifests/";
        using var get = new HttpRequestMessage(HttpMethod.Get, manifests + to);
        foreach (var type in ManifestTypes)
        {
            get.Headers.Accept.ParseAdd(type);
        }

        using var source = await _http.SendAsync(get, cancellation);
        if (!source.IsSuccessStatusCode)
        {
            throw new LabAdminException(404, $"{Name} has no {repository}:{to} to point {tag} at.");
        }

        var manifest = await source.Content.ReadAsByteArrayAsync(cancellation);
        using var put = new HttpRequestMessage(HttpMethod.Put, manifests + tag)
        {
            Content = new ByteArrayContent(manifest),
        };
        put.Content.Headers.ContentType = source.Content.Headers.ContentType;
        using var stored = await _http.SendAsync(put, cancellation);
        if (stored.StatusCode != HttpStatusCode.Created)
        {
            var reason = await stored.Content.ReadAsStringAsync(cancellation);
            var status = (int)stored.StatusCode;
            throw new LabAdminException(502, $"{Name} refused {repository}:{tag}: {status} {reason}");
        }

        var digest = stored.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : null;
        return new { Registry = Name, Repository = repository, Tag = tag, To = to, Digest = digest };
    }

    /// <summary>Answers one request; false means the connection was dropped on purpose.</summary>
    private async Task<bool> AnswerAsync(HttpContext context, RegistryRoute route)
    {
        var cancellation = context.RequestAborted;
        if (LatencyMs > 0)
        {
            await Task.Delay(LatencyMs, cancellation);
        }

        var fault = Faults.TakeForRequest(context.Request.Path.Value ?? "/", route.Kind);
        switch (fault?.Mode)
        {
            case FaultMode.Drop or FaultMode.Down:
                context.Abort();
                return false;
            case FaultMode.Slow:
                await Task.Delay(fault.DelayMs, cancellation);
                break;
            case null or FaultMode.WrongDigest:
                break;
            default:
                await WriteFaultAsync(context, fault);
                return true;
        }

        var wrongDigest = fault?.Mode == FaultMode.WrongDigest;
        switch (route.Kind)
        {
            case RequestKind.Token:
                await _tokenEndpoint.HandleAsync(context);
                return true;
            case RequestKind.Ping:
                if (await AuthorizeAsync(context, scope: null))
                {
                    context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
                    await RegistryErrors.WriteTextAsync(context, 200, "application/json; charset=utf-8", "{}");
                }

                return true;
        }

        if (route.Repository is null)
        {
            // Of the calls outside a repository only the catalog needs a grant; the rest goes as is.
            var scope = context.Request.Path.StartsWithSegments("/v2/_catalog") ? "registry:catalog:*" : null;
            if (await AuthorizeAsync(context, scope))
            {
                await _proxy.ForwardAsync(context, ProxyOptions.AsIs);
            }

            return true;
        }

        var reads = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        var actions = reads ? "pull" : "pull,push";
        if (!await AuthorizeAsync(context, $"repository:{route.Repository}:{actions}"))
        {
            return true;
        }

        if (!await _repositories.ExistsAsync(route.Repository, cancellation))
        {
            await WriteUnknownRepositoryAsync(context, route.Repository);
            return true;
        }

        switch (route.Kind)
        {
            case RequestKind.Tags when reads:
                await WriteTagPageAsync(context, route.Repository);
                break;
            case RequestKind.Manifest:
                await ForwardManifestAsync(context, wrongDigest);
                break;
            case RequestKind.Blob:
                await _proxy.ForwardAsync(context, new ProxyOptions(false, BandwidthBytesPerSecond, null));
                break;
            default:
                await _proxy.ForwardAsync(context, ProxyOptions.AsIs);
                break;
        }

        return true;
    }

    private async Task<bool> AuthorizeAsync(HttpContext context, string? scope)
    {
        string? bearer = null;
        if (AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            bearer = header.Parameter;
        }

        var check = Tokens.Check(bearer, scope);
        if (check == TokenCheck.Ok)
        {
            return true;
        }

        var challenge = $"Bearer realm=\"{Realm}\",service=\"{Profile.Service}\"";
        if (scope is not null)
        {
            challenge += $",scope=\"{scope}\"";
        }

        challenge += check switch
        {
            TokenCheck.Invalid or TokenCheck.Expired => ",error=\"invalid_token\"",
            TokenCheck.InsufficientScope => ",error=\"insufficient_scope\"",
            _ => "",
        };
        context.Response.Headers.WWWAuthenticate = challenge;
        await RegistryErrors.WriteAsync(context, 401, "UNAUTHORIZED", "authentication required", ScopeDetail(scope));
        return false;
    }

    private static object? ScopeDetail(string? scope)
    {
        if (scope is null || !TokenIssuer.TryParseScope(scope, out var type, out var name, out var actions))
        {
            return null;
        }

        return actions.Select(action => new { Type = type, Name = name, Action = action }).ToArray();
    }

    /// <summary>
    /// ghcr.io answers DENIED for a package it does not have; the other registries NAME_UNKNOWN.
    /// </summary>
    private Task WriteUnknownRepositoryAsync(HttpContext context, string repository) =>
        Profile.DeniesUnknownRepositories
            ? RegistryErrors.WriteAsync(context, 403, "DENIED", RegistryErrors.DeniedMessage)
            : RegistryErrors.WriteAsync(context, 404, "NAME_UNKNOWN", "repository name not known to registry",
                new { name = repository });

    private async Task ForwardManifestAsync(HttpContext context, bool wrongDigest)
    {
        QuotaState? quota = null;
        if (Quota.Enabled)
        {
            // Docker Hub counts a pull per manifest GET; HEAD only reports the quota.
            var state = HttpMethods.IsGet(context.Request.Method) ? Quota.Count() : Quota.Peek();
            if (!state.Allowed)
            {
                BackendProxy.AddQuotaHeaders(context.Response, state);
                context.Response.Headers.RetryAfter = state.RetryAfter.ToString();
                await RegistryErrors.WriteAsync(context, 429, "TOOMANYREQUESTS", RegistryErrors.PullRateMessage);
                return;
            }

            quota = state;
        }

        await _proxy.ForwardAsync(context, new ProxyOptions(wrongDigest, 0, quota));
    }

    /// <summary>
    /// Registry 2.8 returns every tag unsorted; real registries sort and page, at most 100 a page.
    /// </summary>
    private async Task WriteTagPageAsync(HttpContext context, string repository)
    {
        var cancellation = context.RequestAborted;
        using var answer = await _http.GetAsync(new Uri(_backend, $"/v2/{repository}/tags/list"), cancellation);
        if (!answer.IsSuccessStatusCode)
        {
            await RegistryErrors.WriteTextAsync(
                context,
                (int)answer.StatusCode,
                "application/json; charset=utf-8",
                await answer.Content.ReadAsStringAsync(cancellation));
            return;
        }

        using var document = JsonDocument.Parse(await answer.Content.ReadAsStreamAsync(cancellation));
        var all = document.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetString()!).ToList()
            : [];
        all.Sort(StringComparer.Ordinal);

        var query = context.Request.Query;
        var pageSize = int.TryParse(query["n"], out var n) && n > 0 ? Math.Min(n, MaxPageSize) : MaxPageSize;
        var last = query["last"].ToString();
        var after = last.Length == 0 ? all : all.Where(t => string.CompareOrdinal(t, last) > 0).ToList();
        var page = after.Take(pageSize).ToList();
        if (after.Count > page.Count)
        {
            var next = Uri.EscapeDataString(page[^1]);
            context.Response.Headers.Link = $"</v2/{repository}/tags/list?last={next}&n={pageSize}>; rel=\"next\"";
        }

        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        var body = JsonSerializer.Serialize(new { name = repository, tags = page });
        await RegistryErrors.WriteTextAsync(context, 200, "application/json; charset=utf-8", body);
    }

    private static Task WriteFaultAsync(HttpContext context, FaultRule fault)
    {
        var response = context.Response;
        if (fault.RetryAfter is int seconds)
        {
            response.Headers.RetryAfter = seconds.ToString();
        }

        switch (fault.Mode)
        {
            case FaultMode.Unavailable:
                return RegistryErrors.WriteAsync(context, 503, "UNAVAILABLE", "service unavailable");
            case FaultMode.RateLimit:
                response.Headers.RetryAfter = (fault.RetryAfter ?? 60).ToString();
                return RegistryErrors.WriteAsync(context, 429, "TOOMANYREQUESTS", RegistryErrors.PullRateMessage);
            case FaultMode.Denied:
                return RegistryErrors.WriteAsync(context, 403, "DENIED", RegistryErrors.DeniedMessage);
            case FaultMode.Garbage:
                return RegistryErrors.WriteTextAsync(context, 200, "application/json", TruncatedJson);
            default:
                return RegistryErrors.WriteTextAsync(context, 502, "text/html", BadGatewayPage);
        }
    }

    /// <summary>A tag list cut off mid-string, as a broken proxy might deliver it.</summary>
    private const string TruncatedJson = "{\"name\":\"lab\",\"tags\":[\"v3.";

    private const string BadGatewayPage =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}
