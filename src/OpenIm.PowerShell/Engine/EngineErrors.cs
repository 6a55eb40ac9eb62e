using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Docker.DotNet;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>
    /// Turns engine failures, thrown or reported inside a pull stream, into errors with their own
    /// ids.
    /// </summary>
    internal static class EngineErrors
    {
        /// <summary>The error for an engine that cannot be reached at all.</summary>
        public static OpenImException Unavailable(EngineEndpoint endpoint, Exception inner)
        {
            return new OpenImException(
                "EngineUnavailable",
                OpenImErrorKind.ConnectionError,
                $"The Docker engine at {endpoint} is not reachable: {Innermost(inner).Message}",
                endpoint.Text,
                inner,
                "Start the engine (for example 'systemctl start docker'), or name another one with -DockerHost or " +
                    "DOCKER_HOST.");
        }

        /// <summary>True for exceptions that mean the engine is not there (no socket, refused, reset).</summary>
        public static bool IsUnavailable(Exception exception)
        {
            for (var current = exception; current != null; current = current.InnerException)
            {
                if (current is SocketException || current is HttpRequestException || current is System.IO.IOException)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The error for a message the engine put into a pull's progress stream, or for an API error
        /// thrown by the pull request itself.
        /// </summary>
        public static OpenImException FromPull(string reference, string engine, string message, HttpStatusCode? status)
        {
            var text = message ?? string.Empty;
            var lowered = text.ToLowerInvariant();
            string id;
            OpenImErrorKind kind;
            string action;
            if (lowered.Contains("toomanyrequests") || lowered.Contains("rate limit") || status == (HttpStatusCode)429)
            {
                id = "RateLimited";
                kind = OpenImErrorKind.LimitsExceeded;
                action = "Wait, log in with docker login for a larger quota, or pull from another registry.";
            }
            else if (lowered.Contains("manifest unknown") || lowered.Contains("not found: manifest")
                || (lowered.Contains("manifest for") && lowered.Contains("not found")))
            {
                id = "TagNotFound";
                kind = OpenImErrorKind.NotFound;
                action = "List the tags with Get-OpenImTag -All, or try another registry.";
            }
            else if (lowered.Contains("denied") || lowered.Contains("unauthorized") || lowered.Contains(
                "authentication required")
                || lowered.Contains("pull access") || status == HttpStatusCode.NotFound
                    || status == HttpStatusCode.Unauthorized
                || status == HttpStatusCode.Forbidden)
            {
                id = "PullAccessDenied";
                kind = OpenImErrorKind.PermissionDenied;
                action = "Check that the image exists there and that the credential (docker login, -Credential) may " +
                    "pull it.";
            }
            else
            {
                id = "PullFailed";
                kind = OpenImErrorKind.InvalidOperation;
                action = "See the engine's message; try again or pull from another registry.";
            }

            return new OpenImException(
                id,
                kind,
                $"Pulling {reference} onto {engine} failed: {OneLine(text)}",
                reference,
                null,
                action);
        }

        public static OpenImException FromApi(string reference, string engine, DockerApiException exception)
        {
            return FromPull(
                reference,
                engine,
                ExtractMessage(exception.ResponseBody) ?? exception.Message,
                exception.StatusCode);
        }

        private static string ExtractMessage(string body)
        {
            if (string.IsNullOrEmpty(body))
            {
                return null;
            }

            try
            {
                using (var document = System.Text.Json.JsonDocument.Parse(body))
                {
                    if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                        && document.RootElement.TryGetProperty("message", out var message)
                        && message.ValueKind == System.Text.Json.JsonValueKind.String)
                    {
                        return message.GetString();
                    }
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON: the body itself is the message.
            }

            return body;
        }

        private static string OneLine(string text)
        {
            text = text.Replace('\r', ' ').Replace('\n', ' ').Trim();
            return text.Length > 400 ? text.Substring(0, 400) + "..." : text;
        }

        private static Exception Innermost(Exception exception)
        {
            while (exception.InnerException != null)
            {
                exception = exception.InnerException;
            }

            return exception;
        }
    }
}
