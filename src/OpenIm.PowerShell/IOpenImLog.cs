namespace OpenIm.PowerShell
{
    /// <summary>
    /// Where core services report what they do. The cmdlets route these onto the Verbose, Debug
    /// and Warning streams from the pipeline thread; callers outside PowerShell may ignore them.
    /// </summary>
    public interface IOpenImLog
    {
        /// <summary>A step the user cares about: a request and its answer, a decision.</summary>
        void Verbose(string message);

        /// <summary>Internals for troubleshooting. Never a secret.</summary>
        void Debug(string message);

        /// <summary>Something went wrong but the work goes on, such as a fallback.</summary>
        void Warning(string message);
    }

    /// <summary>A log that drops everything, for callers that do not listen.</summary>
    public sealed class NullOpenImLog : IOpenImLog
    {
        public static readonly NullOpenImLog Instance = new NullOpenImLog();

        private NullOpenImLog()
        {
        }

        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
