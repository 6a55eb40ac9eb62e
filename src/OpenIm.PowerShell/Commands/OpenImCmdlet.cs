using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Settings;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// The base of every OpenIm cmdlet. It owns one cancellation token per invocation, cancelled by
    /// Ctrl+C (StopProcessing); runs async work on pool threads while the pipeline thread carries out
    /// its writes; and turns <see cref="OpenImException"/> into error records with stable ids.
    /// </summary>
    public abstract class OpenImCmdlet : PSCmdlet, IDisposable
    {
        // After Ctrl+C the work gets this long to unwind before the cmdlet stops waiting for it.
        private static readonly TimeSpan StopGrace = TimeSpan.FromMilliseconds(750);

        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private bool _disposed;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
        protected CancellationToken StopToken => _stopping.Token;

        /// <summary>
        /// The registries in effect for this call, read from the settings in force now; Ctrl+C ends a
        /// wait for another process's settings write.
        /// </summary>
        protected RegistryDirectory Registries => new RegistryDirectory(RegistryStore.ForCurrentUser(), StopToken);

        /// <summary>
        /// Maps an <see cref="OpenImException"/> to an error record with its id, category and
        /// target.
        /// </summary>
        public static ErrorRecord ToErrorRecord(OpenImException exception)
        {
            var record = new ErrorRecord(exception, exception.ErrorId, MapCategory(exception.Kind), exception.Target);
            if (!string.IsNullOrEmpty(exception.RecommendedAction))
            {
                record.ErrorDetails = new ErrorDetails(exception.Message)
                {
                    RecommendedAction = exception.RecommendedAction,
                };
            }

            return record;
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _stopping.Dispose();
            }
        }

        protected override void StopProcessing()
        {
            try
            {
                _stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call already finished.
            }
        }

        /// <summary>
        /// Runs <paramref name="work"/> on a pool thread and pumps its writes onto the pipeline thread
        /// until it finishes. An <see cref="OpenImException"/> escaping the work terminates the call
        /// with its error id; Ctrl+C stops it within a second even if the work is slow to notice.
        /// </summary>
        protected void RunAsync(Func<PipelineBridge, CancellationToken, Task> work)
        {
            var bridge = new PipelineBridge();
            var token = _stopping.Token;
            var task = Task.Run(() => work(bridge, token), token);
            Stopwatch sinceStop = null;
            try
            {
                while (true)
                {
                    if (bridge.TryTake(out var action, 20))
                    {
                        action(this);
                        continue;
                    }

                    if (task.IsCompleted)
                    {
                        // Drain what the work queued just before it finished.
                        while (bridge.TryTake(out action, 0))
                        {
                            action(this);
                        }

                        break;
                    }

                    if (token.IsCancellationRequested)
                    {
                        sinceStop = sinceStop ?? Stopwatch.StartNew();
                        if (sinceStop.Elapsed > StopGrace)
                        {
                            throw new PipelineStoppedException();
                        }
                    }
                }
            }
            finally
            {
                bridge.Close();
            }

            Complete(task, token);
        }

        /// <summary>Runs synchronous work, mapping its <see cref="OpenImException"/> to a terminating error.</summary>
        protected void Run(Action work)
        {
            try
            {
                work();
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (OpenImException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex));
            }
        }

        /// <summary>
        /// Runs synchronous work for one pipeline item: an <see cref="OpenImException"/> becomes a
        /// non-terminating error and the pipeline goes on with the next item.
        /// </summary>
        protected void RunForItem(Action work)
        {
            try
            {
                work();
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (OpenImException ex)
            {
                WriteError(ToErrorRecord(ex));
            }
        }

        private void Complete(Task task, CancellationToken token)
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (OpenImException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex));
            }
            catch (HttpRequestException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "HttpRequestFailed", ErrorCategory.ConnectionError, null));
            }
        }

        private static ErrorCategory MapCategory(OpenImErrorKind kind)
        {
            switch (kind)
            {
                case OpenImErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case OpenImErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case OpenImErrorKind.AlreadyExists: return ErrorCategory.ResourceExists;
                case OpenImErrorKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case OpenImErrorKind.ConnectionError: return ErrorCategory.ConnectionError;
                case OpenImErrorKind.Timeout: return ErrorCategory.OperationTimeout;
                case OpenImErrorKind.LimitsExceeded: return ErrorCategory.LimitsExceeded;
                case OpenImErrorKind.InvalidData: return ErrorCategory.InvalidData;
                case OpenImErrorKind.InvalidOperation: return ErrorCategory.InvalidOperation;
                case OpenImErrorKind.NotInstalled: return ErrorCategory.NotInstalled;
                case OpenImErrorKind.SecurityError: return ErrorCategory.SecurityError;
                case OpenImErrorKind.WriteError: return ErrorCategory.WriteError;
                case OpenImErrorKind.ReadError: return ErrorCategory.ReadError;
                case OpenImErrorKind.ResourceBusy: return ErrorCategory.ResourceBusy;
                case OpenImErrorKind.OperationStopped: return ErrorCategory.OperationStopped;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
