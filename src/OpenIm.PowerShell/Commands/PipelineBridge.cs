using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// Lets async work running on pool threads talk to the pipeline. Every Write* call and every
    /// ShouldProcess question is queued and carried out by the pipeline thread, which is the only
    /// thread PowerShell allows to write. Progress records are throttled per activity.
    /// </summary>
    public sealed class PipelineBridge : IOpenImLog
    {
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

        private readonly BlockingCollection<Action<OpenImCmdlet>> _queue =
            new BlockingCollection<Action<OpenImCmdlet>>();

        private readonly Dictionary<int, DateTime> _lastProgress = new Dictionary<int, DateTime>();
        private readonly object _progressGate = new object();

        /// <summary>Sends an object down the pipeline.</summary>
        public void Output(object value)
        {
            Post(c => c.WriteObject(value));
        }

        /// <summary>Writes a Verbose line: one step the user cares about.</summary>
        public void Verbose(string message)
        {
            Post(c => c.WriteVerbose(message));
        }

        /// <summary>Writes a Debug line. Callers keep secrets out of it.</summary>
        public void Debug(string message)
        {
            Post(c => c.WriteDebug(message));
        }

        /// <summary>Writes a warning.</summary>
        public void Warning(string message)
        {
            Post(c => c.WriteWarning(message));
        }

        /// <summary>Reports one item's failure; the pipeline goes on.</summary>
        public void Error(OpenImException exception)
        {
            Post(c => c.WriteError(OpenImCmdlet.ToErrorRecord(exception)));
        }

        /// <summary>Reports one item's failure as a ready-made record.</summary>
        public void Error(ErrorRecord record)
        {
            Post(c => c.WriteError(record));
        }

        /// <summary>
        /// Writes a progress record unless one for the same activity went out less than a quarter of a
        /// second ago; completed records always go out so the bar disappears.
        /// </summary>
        public void Progress(ProgressRecord record)
        {
            var now = DateTime.UtcNow;
            lock (_progressGate)
            {
                if (record.RecordType != ProgressRecordType.Completed
                    && _lastProgress.TryGetValue(record.ActivityId, out var last)
                    && now - last < ProgressInterval)
                {
                    return;
                }

                _lastProgress[record.ActivityId] = now;
            }

            Post(c => c.WriteProgress(record));
        }

        /// <summary>
        /// Asks ShouldProcess on the pipeline thread (for -WhatIf and -Confirm) and awaits the
        /// answer.
        /// </summary>
        public Task<bool> ShouldProcessAsync(string target, string action)
        {
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(c =>
            {
                try
                {
                    answer.TrySetResult(c.ShouldProcess(target, action));
                }
                catch (Exception ex)
                {
                    answer.TrySetException(ex);
                    throw;
                }
            });
            return answer.Task;
        }

        internal void Post(Action<OpenImCmdlet> action)
        {
            try
            {
                _queue.Add(action);
            }
            catch (InvalidOperationException)
            {
                // The pipeline has finished with this call; late messages have nowhere to go.
            }
        }

        internal bool TryTake(out Action<OpenImCmdlet> action, int millisecondsTimeout)
        {
            return _queue.TryTake(out action, millisecondsTimeout);
        }

        internal void Close()
        {
            _queue.CompleteAdding();
        }
    }
}
