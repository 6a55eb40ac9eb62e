namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// The kinds of tag a user chooses between when pulling an OpenIM image.
    /// </summary>
    public enum OpenImChannel
    {
        /// <summary>
        /// The <c>main</c> tag: the main branch, rolling, possibly stale for months.
        /// </summary>
        Main,

        /// <summary>
        /// Release branch tags such as <c>release-v3.8</c> or <c>release-v3.8.3</c>: rolling, they
        /// move with fixes on that branch.
        /// </summary>
        Release,

        /// <summary>
        /// One fixed release such as <c>v3.8.3</c>, <c>3.8.3</c> or <c>v3.8.3-patch.2</c>, never
        /// overwritten by OpenIM's policy; pre-releases belong here too.
        /// </summary>
        Version,

        /// <summary>The <c>latest</c> tag, moved by stable releases.</summary>
        Latest,

        /// <summary>
        /// Every other tag: <c>3.8</c>, <c>3</c>, <c>sha-...</c>, <c>nightly</c>, <c>pr-N</c> and
        /// tags this module does not recognise.
        /// </summary>
        Other,
    }
}
