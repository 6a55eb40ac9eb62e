using System.Text.Json;

namespace OpenIm.Lab.Fronts;

/// <summary>
/// Writes answers in the registry error format, {"errors":[{"code","message","detail"}]}.
/// </summary>
internal static class RegistryErrors
{
    // Registries leave detail out when there is none, rather than sending null.
    private static readonly JsonSerializerOptions ErrorOptions = new(Json.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public const string DeniedMessage = "requested access to the resource is denied";

    public const string PullRateMessage =
        "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading.";

    public static Task WriteAsync(
        HttpContext context,
        int status,
        string code,
        string message,
        object? detail = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";

        // HEAD answers carry no body, as registries send errors on HEAD with headers only.
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return Task.CompletedTask;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(
            new { errors = new[] { new { code, message, detail } } },
            ErrorOptions);
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static Task WriteTextAsync(HttpContext context, int status, string contentType, string text)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
