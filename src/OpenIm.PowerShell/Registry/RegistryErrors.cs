using System;
using System.Text.Json;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>Turns registry answers that are not successes into errors with their own ids.</summary>
    internal static class RegistryErrors
    {
        /// <summary>
        /// The error for a failed answer about <paramref name="what"/> (an image or image:tag):
        /// denied, needs credentials, not found, rate-limited, server error, or something unexpected.
        /// </summary>
        public static RegistryException FromResponse(
            OpenImRegistry registry,
            RegistryResponse response,
            string what,
            bool isManifest,
            bool hadCredential)
        {
            var code = ErrorCode(response, out var detail);
            var said = string.IsNullOrEmpty(detail) ? string.Empty : $" The registry said: {Trim(detail)}";
            switch (response.Status)
            {
                case 401:
                    return hadCredential
                        ? new RegistryException(
                            "RegistryAuthenticationFailed",
                            OpenImErrorKind.PermissionDenied,
                            registry,
                            $"the credential was not accepted for {what}.{said}",
                            what,
                            null,
                            "Check the credential's permissions for this repository, or run docker login again.",
                            401)
                        : new RegistryException(
                            "RegistryAuthenticationRequired",
                            OpenImErrorKind.PermissionDenied,
                            registry,
                            $"{what} needs credentials.{said}",
                            what,
                            null,
                            "Pass -Credential, or log in with docker login so Docker's config holds a credential.",
                            401);
                case 403:
                    return new RegistryException(
                        "RegistryDenied",
                        OpenImErrorKind.PermissionDenied,
                        registry,
                        $"access to {what} was denied.{said}",
                        what,
                        null,
                        "The registry may not publish this image, or blocks this network; try another registry.",
                        403);
                case 404:
                    if (isManifest && code != "NAME_UNKNOWN")
                    {
                        return new RegistryException(
                            "TagNotFound",
                            OpenImErrorKind.NotFound,
                            registry,
                            $"{what} does not exist there.{said}",
                            what,
                            null,
                            "List the tags with Get-OpenImTag -All, or try another registry.",
                            404);
                    }

                    return new RegistryException(
                        "ImageNotFoundOnRegistry",
                        OpenImErrorKind.NotFound,
                        registry,
                        $"{what} is not published there.{said}",
                        what,
                        null,
                        "Try another registry, or check the registry's namespace with Get-OpenImRegistry.",
                        404);
                case 429:
                    return RateLimited(registry, response, what, said);
                default:
                    if (response.Status >= 500)
                    {
                        return new RegistryException(
                            "RegistryServerError",
                            OpenImErrorKind.ConnectionError,
                            registry,
                            $"the registry failed with HTTP {response.Status} for {what}.{said}",
                            what,
                            null,
                            "The registry has a problem right now; try again later or use another registry.",
                            response.Status);
                    }

                    return Unexpected(registry, response, what);
            }
        }

        public static RegistryException Unexpected(OpenImRegistry registry, RegistryResponse response, string what)
        {
            return new RegistryException(
                "RegistryProtocolError",
                OpenImErrorKind.InvalidData,
                registry,
                $"unexpected HTTP {response.Status} from {what}.",
                what,
                null,
                null,
                response.Status);
        }

        public static RegistryException Protocol(OpenImRegistry registry, string message, Exception inner)
        {
            return new RegistryException(
                "RegistryProtocolError",
                OpenImErrorKind.InvalidData,
                registry,
                message,
                registry?.Name,
                inner,
                "The registry answered something a registry should not; try another registry.");
        }

        private static RegistryException RateLimited(
            OpenImRegistry registry,
            RegistryResponse response,
            string what,
            string said)
        {
            var wait = response.RetryAfter.HasValue
                ? $" It asks to wait {response.RetryAfter.Value.TotalSeconds:0} s."
                : string.Empty;
            var quota = response.RateLimit != null ? $" Quota: {response.RateLimit}." : string.Empty;
            return new RegistryException(
                "RateLimited",
                OpenImErrorKind.LimitsExceeded,
                registry,
                $"the registry's rate limit was reached while asking for {what}.{wait}{quota}{said}",
                what,
                null,
                "Wait, log in (authenticated pulls have a higher quota), or use another registry.",
                429);
        }

        private static string ErrorCode(RegistryResponse response, out string message)
        {
            message = null;
            if (response.Body.Length == 0 || response.Body.Length > 64 * 1024)
            {
                return null;
            }

            try
            {
                using (var document = JsonDocument.Parse(response.Body))
                {
                    if (document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("errors", out var errors)
                        && errors.ValueKind == JsonValueKind.Array
                        && errors.GetArrayLength() > 0)
                    {
                        var first = errors[0];
                        var code = first.TryGetProperty("code", out var c)
                            && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                        message = first.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                            ? (code == null ? m.GetString() : code + ": " + m.GetString())
                            : code;
                        return code;
                    }
                }
            }
            catch (JsonException)
            {
                // An HTML error page or other text: the status code has to speak for itself.
            }

            return null;
        }

        private static string Trim(string text)
        {
            text = text.Replace('\r', ' ').Replace('\n', ' ');
            return text.Length > 200 ? text.Substring(0, 200) + "..." : text;
        }
    }
}
