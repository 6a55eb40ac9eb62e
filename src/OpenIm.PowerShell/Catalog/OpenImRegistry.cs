using System;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>Where a registry entry comes from.</summary>
    public enum RegistrySource
    {
        /// <summary>One of the three registries OpenIM publishes to, as shipped.</summary>
        BuiltIn,

        /// <summary>A built-in registry whose endpoint, namespace or priority the user changed.</summary>
        BuiltInChanged,

        /// <summary>A registry or mirror the user registered.</summary>
        User,
    }

    /// <summary>
    /// A registry that serves OpenIM images: its name, the host used in image references, the API
    /// endpoint actually contacted, the namespace of the OpenIM repositories and its priority (lower
    /// is tried first).
    /// </summary>
    public sealed class OpenImRegistry
    {
        public OpenImRegistry(
            string name,
            string host,
            Uri uri,
            string @namespace,
            int priority,
            RegistrySource source,
            bool allowHttp = false,
            Uri defaultUri = null)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Host = host ?? throw new ArgumentNullException(nameof(host));
            Uri = uri ?? throw new ArgumentNullException(nameof(uri));
            Namespace = @namespace ?? throw new ArgumentNullException(nameof(@namespace));
            Priority = priority;
            Source = source;
            AllowHttp = allowHttp;
            DefaultUri = defaultUri;
        }

        /// <summary>The registry's name, used by every -Registry parameter (Ghcr, Aliyun, DockerHub...).</summary>
        public string Name { get; }

        /// <summary>The host as it appears in image references, such as <c>ghcr.io</c>.</summary>
        public string Host { get; }

        /// <summary>The endpoint of the registry API; differs from the host for Docker Hub and mirrors.</summary>
        public Uri Uri { get; }

        /// <summary>The namespace that holds OpenIM's repositories on this registry.</summary>
        public string Namespace { get; }

        /// <summary>The order in which registries are tried: lower first.</summary>
        public int Priority { get; }

        /// <summary>Whether the entry is built in, a changed built-in, or registered by the user.</summary>
        public RegistrySource Source { get; }

        /// <summary>True when plain HTTP was explicitly allowed for a non-loopback endpoint.</summary>
        public bool AllowHttp { get; }

        /// <summary>For a built-in registry, the endpoint it has when not redirected; otherwise null.</summary>
        public Uri DefaultUri { get; }

        /// <summary>True for the three registries OpenIM publishes to, changed or not.</summary>
        public bool IsBuiltIn => Source != RegistrySource.User;

        /// <summary>True when a built-in registry points at another endpoint (a mirror).</summary>
        public bool IsRedirected => DefaultUri != null && !UriEquals(Uri, DefaultUri);

        /// <summary>
        /// The host:port an engine pulls from: the reference host unless the registry was redirected to
        /// a mirror or registered by the user, in which case it is the endpoint's authority.
        /// </summary>
        public string PullHost => IsBuiltIn && !IsRedirected ? Host : Uri.Authority;

        /// <summary>The full repository reference of an image on this registry, without a tag.</summary>
        public string RepositoryOf(string image) => Host + "/" + Namespace + "/" + image;

        /// <summary>The repository path of an image inside the registry API (namespace/image).</summary>
        public string PathOf(string image) => Namespace + "/" + image;

        public override string ToString() => Name;

        private static bool UriEquals(Uri a, Uri b) => Uri.Compare(
            a,
            b,
            UriComponents.SchemeAndServer,
            UriFormat.Unescaped,
            StringComparison.OrdinalIgnoreCase) == 0;
    }
}
