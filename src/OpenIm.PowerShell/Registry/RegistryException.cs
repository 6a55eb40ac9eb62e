using System;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Registry
{
    /// <summary>
    /// A failure that came from one registry. It names the registry, so a command can report it and
    /// fall back to the next registry in priority order.
    /// </summary>
    public sealed class RegistryException : OpenImException
    {
        public RegistryException(
            string errorId,
            OpenImErrorKind kind,
            OpenImRegistry registry,
            string message,
            object target = null,
            Exception inner = null,
            string recommendedAction = null,
            int? statusCode = null)
            : base(
                errorId,
                kind,
                $"{registry?.Name} ({registry?.Uri.GetLeftPart(UriPartial.Authority)}): {message}",
                target ?? registry?.Name,
                inner,
                recommendedAction)
        {
            Registry = registry;
            StatusCode = statusCode;
            Reason = message;
        }

        /// <summary>The registry that failed.</summary>
        public OpenImRegistry Registry { get; }

        /// <summary>The HTTP status the registry answered with, if it answered.</summary>
        public int? StatusCode { get; }

        /// <summary>The reason without the registry prefix, for Verbose lines and summaries.</summary>
        public string Reason { get; }

        /// <summary>
        /// True when another registry may well succeed: the registry was unreachable, slow, denied,
        /// rate-limited, broken or lacked the item. False for problems in the request itself.
        /// </summary>
        public bool AllowsFallback => ErrorId != "InvalidReference";
    }
}
