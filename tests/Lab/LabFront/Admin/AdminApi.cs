using System.Text.Json;
using OpenIm.Lab.Fronts;

namespace OpenIm.Lab.Admin;

/// <summary>
/// A failed admin call: the status to answer with and a message that says what to do.
/// </summary>
internal sealed class LabAdminException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>Settings of the latency call; absent values leave a setting as it is.</summary>
internal sealed record LatencyRequest(int? Ms, long? BandwidthBytesPerSecond);

/// <summary>Settings of the tokens call; absent values leave a setting as it is.</summary>
internal sealed record TokensRequest(int? ExpiresIn, bool? Revoke);

/// <summary>The retag call: point tag at the manifest that to names, in image.</summary>
internal sealed record RetagRequest(string? Image, string? Tag, string? To);

/// <summary>
/// The control port: plain JSON over HTTP that switches faults, quotas, latency and token lifetime
/// of the stand-ins at run time, reports their stats, and moves tags. README.md lists the calls.
/// </summary>
internal sealed class AdminApi(IReadOnlyList<RegistryFront> fronts)
{
    public async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method.ToUpperInvariant();
        var path = context.Request.Path.Value ?? "";
        var segments = path.Trim('/').Split('/');
        try
        {
            object answer = (method, segments) switch
            {
                ("GET", ["lab"]) => new { Registries = fronts.Select(f => f.View()) },
                ("GET", ["lab", "health"]) => new { Status = "ok" },
                ("POST", ["lab", "reset"]) => ResetAll(),
                (_, ["lab", var name, .. var rest]) => await HandleRegistryAsync(context, Find(name), rest),
                _ => throw new LabAdminException(404, $"No admin call {method} {path}; see README.md."),
            };
            await WriteAsync(context, 200, answer);
        }
        catch (LabAdminException e)
        {
            await WriteAsync(context, e.Status, new { Error = e.Message });
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            await WriteAsync(context, 400, new { Error = e.Message });
        }
        catch (HttpRequestException e)
        {
            await WriteAsync(context, 502, new { Error = $"The backend registry did not answer: {e.Message}" });
        }
    }

    private static async Task<object> HandleRegistryAsync(HttpContext context, RegistryFront front, string[] rest)
    {
        var method = context.Request.Method.ToUpperInvariant();
        switch (method, rest)
        {
            case ("GET", []):
                return front.View();
            case ("POST", ["fault"]):
                var rule = front.Faults.Apply(await ReadAsync<FaultRequest>(context));
                var change = rule is null ? "cleared" : JsonSerializer.Serialize(rule.View());
                LabLog.Write($"{front.Name} fault {change}");
                return front.View();
            case ("DELETE", ["fault"]):
                front.Faults.Clear();
                return front.View();
            case ("POST", ["ratelimit"]):
                front.Quota.Set(await ReadAsync<RateLimitRequest>(context));
                return front.View();
            case ("POST", ["latency"]):
                var latency = await ReadAsync<LatencyRequest>(context);
                front.LatencyMs = latency.Ms ?? front.LatencyMs;
                front.BandwidthBytesPerSecond = latency.BandwidthBytesPerSecond ?? front.BandwidthBytesPerSecond;
                return front.View();
            case ("POST", ["tokens"]):
                var tokens = await ReadAsync<TokensRequest>(context);
                if (tokens.ExpiresIn is > 0)
                {
                    front.Tokens.LifetimeSeconds = tokens.ExpiresIn.Value;
                }

                if (tokens.Revoke == true)
                {
                    front.Tokens.Revoke();
                }

                return front.View();
            case ("GET", ["stats"]):
                return front.Stats.View(front.Name);
            case ("POST", ["stats", "reset"]):
                front.Stats.Reset();
                return front.Stats.View(front.Name);
            case ("POST", ["retag"]):
                var retag = await ReadAsync<RetagRequest>(context);
                if (string.IsNullOrEmpty(retag.Image) || string.IsNullOrEmpty(retag.Tag)
                    || string.IsNullOrEmpty(retag.To))
                {
                    throw new ArgumentException("retag needs image, tag and to.");
                }

                return await front.RetagAsync(retag.Image, retag.Tag, retag.To, context.RequestAborted);
            default:
                var call = $"{method} /lab/{front.Name}/{string.Join('/', rest)}";
                throw new LabAdminException(404, $"No admin call {call}; see README.md.");
        }
    }

    private object ResetAll()
    {
        foreach (var front in fronts)
        {
            front.Reset();
        }

        LabLog.Write("lab reset");
        return new { Registries = fronts.Select(f => f.View()) };
    }

    private RegistryFront Find(string name)
    {
        var front = fronts.FirstOrDefault(f => f.Name.ToString().Equals(name, StringComparison.OrdinalIgnoreCase));
        if (front is null)
        {
            var known = string.Join(", ", fronts.Select(f => f.Name));
            throw new LabAdminException(404, $"No registry '{name}'; use {known}.");
        }

        return front;
    }

    private static async Task<T> ReadAsync<T>(HttpContext context)
    {
        // An empty body means "no settings", which each request type reads as its defaults.
        var request = context.Request;
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return JsonSerializer.Deserialize<T>("{}", Json.Options)!;
        }

        return await JsonSerializer.DeserializeAsync<T>(request.Body, Json.Options, context.RequestAborted)
            ?? throw new ArgumentException("The body must be a JSON object.");
    }

    private static Task WriteAsync(HttpContext context, int status, object answer)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(answer, answer.GetType(), Json.Options, context.RequestAborted);
    }
}
