using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace OpenIm.Lab.Fronts;

/// <summary>How a proxied answer is to be changed on its way back to the client.</summary>
internal sealed record ProxyOptions(bool WrongDigest, long BandwidthBytesPerSecond, QuotaState? Quota)
{
    public static readonly ProxyOptions AsIs = new(false, 0, null);
}

/// <summary>
/// Passes a client request to the open backend registry and streams the answer back.
/// </summary>
internal sealed class BackendProxy(HttpClient http, Uri backend)
{
    // Hop-by-hop headers belong to one connection; the open backend has no use for the token.
    private static readonly HashSet<string> SkippedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Authorization", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Expect",
        "Proxy-Connection", "TE", "Trailer",
    };

    private static readonly HashSet<string> SkippedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Trailer",
    };

    public async Task ForwardAsync(HttpContext context, ProxyOptions options)
    {
        var request = context.Request;
        var cancellation = context.RequestAborted;
        using var message = new HttpRequestMessage(
            new HttpMethod(request.Method),
            new Uri(backend, request.Path + request.QueryString));

        // The backend builds upload Location URLs from Host; the front's keeps clients on the front.
        message.Headers.Host = request.Host.Value;
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
        {
            message.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (SkippedRequestHeaders.Contains(name))
            {
                continue;
            }

            IEnumerable<string?> list = values;
            if (!message.Headers.TryAddWithoutValidation(name, list) && hasBody)
            {
                message.Content!.Headers.TryAddWithoutValidation(name, list);
            }
        }

        using var answer = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellation);
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!SkippedResponseHeaders.Contains(name))
            {
                response.Headers[name] = values.ToArray();
            }
        }

        if (options.WrongDigest && response.Headers.TryGetValue("Docker-Content-Digest", out var digest))
        {
            response.Headers["Docker-Content-Digest"] = WrongDigest(digest.ToString());
        }

        if (options.Quota is { } quota)
        {
            AddQuotaHeaders(response, quota);
        }

        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }

        await using var body = await answer.Content.ReadAsStreamAsync(cancellation);
        if (options.BandwidthBytesPerSecond > 0)
        {
            await CopyPacedAsync(body, response.Body, options.BandwidthBytesPerSecond, cancellation);
        }
        else
        {
            await body.CopyToAsync(response.Body, cancellation);
        }
    }

    public static void AddQuotaHeaders(HttpResponse response, QuotaState quota)
    {
        response.Headers["ratelimit-limit"] = $"{quota.Limit};w={quota.WindowSeconds}";
        response.Headers["ratelimit-remaining"] = $"{quota.Remaining};w={quota.WindowSeconds}";
        response.Headers["docker-ratelimit-source"] = "127.0.0.1";
    }

    /// <summary>
    /// A well-formed digest that is not the content's, so only clients that verify notice.
    /// </summary>
    private static string WrongDigest(string real)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("wrong:" + real));
        return "sha256:" + Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// Copies in small chunks and sleeps whenever the copy runs ahead of the allowed rate.
    /// </summary>
    private static async Task CopyPacedAsync(Stream from, Stream to, long rate, CancellationToken cancellation)
    {
        var buffer = new byte[(int)Math.Clamp(rate / 20, 512, 64 * 1024)];
        var clock = Stopwatch.StartNew();
        long sent = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellation)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellation);
            sent += read;
            var due = TimeSpan.FromSeconds((double)sent / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await to.FlushAsync(cancellation);
                await Task.Delay(due, cancellation);
            }
        }
    }
}
