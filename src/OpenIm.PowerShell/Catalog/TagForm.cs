namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// The spelling of a tag, finer than its <see cref="OpenImChannel"/>. When two tags name the
    /// same version, the form listed first here is preferred as the channel head.
    /// </summary>
    public enum TagForm
    {
        /// <summary><c>main</c>.</summary>
        Main,

        /// <summary>
        /// <c>release-vX.Y</c>, <c>release-vX.Y.Z</c> or <c>release-vX.Y.Z-patch.N</c>.
        /// </summary>
        ReleaseBranch,

        /// <summary>
        /// <c>vX.Y.Z</c> with an optional suffix such as <c>-rc.1</c> or <c>-patch.2</c>.
        /// </summary>
        Version,

        /// <summary>
        /// <c>X.Y.Z</c> without the <c>v</c>: the same release as <c>vX.Y.Z</c>; for some 2023
        /// versions Docker Hub has only this spelling.
        /// </summary>
        BareVersion,

        /// <summary><c>X.Y</c> (or <c>vX.Y</c>): moved by every release of that line.</summary>
        MajorMinor,

        /// <summary>
        /// <c>X</c> (or <c>vX</c>): moved by every release of that major version.
        /// </summary>
        Major,

        /// <summary><c>latest</c>.</summary>
        Latest,

        /// <summary><c>sha-</c> followed by 7 to 40 lowercase hex digits of a git commit.</summary>
        Sha,

        /// <summary><c>nightly</c>.</summary>
        Nightly,

        /// <summary><c>pr-N</c>: a build of pull request N.</summary>
        PullRequest,

        /// <summary>Any tag that matches none of the forms above.</summary>
        Unknown,
    }
}
