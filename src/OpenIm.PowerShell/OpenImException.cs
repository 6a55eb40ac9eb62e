using System;

namespace OpenIm.PowerShell
{
    /// <summary>
    /// What kind of failure an <see cref="OpenImException"/> is. The command layer maps each kind
    /// onto a PowerShell ErrorCategory; the core stays free of PowerShell types.
    /// </summary>
    public enum OpenImErrorKind
    {
        InvalidArgument,
        NotFound,
        AlreadyExists,
        PermissionDenied,
        ConnectionError,
        Timeout,
        LimitsExceeded,
        InvalidData,
        InvalidOperation,
        NotInstalled,
        SecurityError,
        WriteError,
        ReadError,
        ResourceBusy,
        OperationStopped,
    }

    /// <summary>
    /// A failure the user can act on: it carries a stable error id (PascalCase, one per cause),
    /// the item it concerns and a message that says what to do.
    /// </summary>
    public class OpenImException : Exception
    {
        public OpenImException(
            string errorId,
            OpenImErrorKind kind,
            string message,
            object target = null,
            Exception inner = null,
            string recommendedAction = null)
            : base(message, inner)
        {
            ErrorId = errorId ?? throw new ArgumentNullException(nameof(errorId));
            Kind = kind;
            Target = target;
            RecommendedAction = recommendedAction;
        }

        /// <summary>The stable identifier of this cause, such as <c>TagNotFound</c>.</summary>
        public string ErrorId { get; }

        /// <summary>The kind of failure, mapped to an ErrorCategory by the cmdlets.</summary>
        public OpenImErrorKind Kind { get; }

        /// <summary>The item the failure concerns: an image, a tag, a registry, a file.</summary>
        public object Target { get; }

        /// <summary>What the user can do about it, when there is something to say.</summary>
        public string RecommendedAction { get; }
    }
}
