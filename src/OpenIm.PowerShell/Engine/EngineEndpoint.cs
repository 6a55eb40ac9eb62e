using System;
using System.IO;
using System.Runtime.InteropServices;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>
    /// Where a Docker engine listens: from -DockerHost, else <c>DOCKER_HOST</c>, else the platform
    /// default (the unix socket, or the named pipe on Windows). TLS for tcp comes from
    /// <c>DOCKER_TLS_VERIFY</c> and <c>DOCKER_CERT_PATH</c>, as the docker CLI reads them.
    /// </summary>
    public sealed class EngineEndpoint
    {
        private EngineEndpoint(string text, Uri uri, bool useTls, string certificatePath)
        {
            Text = text;
            Uri = uri;
            UseTls = useTls;
            CertificatePath = certificatePath;
        }

        /// <summary>The endpoint as the user gave it (or as the default reads).</summary>
        public string Text { get; }

        /// <summary>The endpoint as Docker.DotNet takes it.</summary>
        public Uri Uri { get; }

        /// <summary>True for a tcp endpoint with client certificates.</summary>
        public bool UseTls { get; }

        /// <summary>The folder of ca.pem, cert.pem and key.pem for TLS.</summary>
        public string CertificatePath { get; }

        /// <summary>The endpoint in effect when the user names none.</summary>
        public static string DefaultText()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("DOCKER_HOST");
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return fromEnvironment.Trim();
            }

            return RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? "npipe:////./pipe/docker_engine"
                : "unix:///var/run/docker.sock";
        }

        /// <summary>
        /// Parses <c>unix:///path</c>, <c>npipe:////./pipe/name</c>, <c>tcp://host:port</c>,
        /// <c>http://</c> or <c>https://</c>. Anything else is an <c>InvalidDockerHost</c> error.
        /// </summary>
        public static EngineEndpoint Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text) || text.Length > 1024 || HasControl(text))
            {
                throw Invalid(text, "give unix:///path/to/docker.sock, npipe:////./pipe/name or tcp://host:port");
            }

            text = text.Trim();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                throw Invalid(text, "it is not a URI");
            }

            var certificatePath = Environment.GetEnvironmentVariable("DOCKER_CERT_PATH");
            var verify = Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY");
            var wantsTls = !string.IsNullOrEmpty(verify) && verify != "0";
            switch (uri.Scheme)
            {
                case "unix":
                    if (string.IsNullOrEmpty(uri.AbsolutePath) || uri.AbsolutePath == "/")
                    {
                        throw Invalid(text, "a unix endpoint needs the socket's path");
                    }

                    return new EngineEndpoint(text, uri, false, null);
                case "npipe":
                    return new EngineEndpoint(text, uri, false, null);
                case "tcp":
                case "http":
                case "https":
                    if (string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
                    {
                        throw Invalid(text, "a tcp endpoint needs a host (and no user information)");
                    }

                    var tls = uri.Scheme == "https" || wantsTls;
                    if (tls && string.IsNullOrEmpty(certificatePath))
                    {
                        certificatePath = Path.Combine(
                            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                            ".docker");
                    }

                    var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 2376 : 2375) : uri.Port;
                    var normalized = new UriBuilder(tls ? "https" : "http", uri.Host, port).Uri;
                    return new EngineEndpoint(text, normalized, tls, tls ? certificatePath : null);
                default:
                    throw Invalid(text, $"the scheme '{uri.Scheme}' is not one the Docker engine listens on");
            }
        }

        public override string ToString() => Text;

        private static bool HasControl(string text)
        {
            foreach (var c in text)
            {
                if (char.IsControl(c))
                {
                    return true;
                }
            }

            return false;
        }

        private static OpenImException Invalid(string text, string reason)
        {
            return new OpenImException(
                "InvalidDockerHost",
                OpenImErrorKind.InvalidArgument,
                $"'{Settings.RegistryValidation.Printable(text)}' is not a Docker engine endpoint: {reason}.",
                text);
        }
    }
}
