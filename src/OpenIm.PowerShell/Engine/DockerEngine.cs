using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Docker.DotNet.X509;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>One layer's progress during a pull.</summary>
    public sealed class LayerProgress
    {
        public LayerProgress(string layer, string status, long current, long total)
        {
            Layer = layer;
            Status = status;
            Current = current;
            Total = total;
        }

        /// <summary>The layer's short id as the engine reports it.</summary>
        public string Layer { get; }

        /// <summary>Waiting, Downloading, Extracting, Pull complete, Already exists...</summary>
        public string Status { get; }

        /// <summary>Bytes done.</summary>
        public long Current { get; }

        /// <summary>Bytes in all, when known.</summary>
        public long Total { get; }
    }

    /// <summary>
    /// A Docker engine reached through Docker.DotNet (the maintained Enhanced fork). No API version is
    /// forced, so the client negotiates with older and newer engines alike. Errors come out as
    /// <see cref="OpenImException"/> with their own ids.
    /// </summary>
    public sealed class DockerEngine : IDisposable
    {
        private readonly DockerClient _client;

        private DockerEngine(EngineEndpoint endpoint, DockerClient client)
        {
            Endpoint = endpoint;
            _client = client;
        }

        public EngineEndpoint Endpoint { get; }

        /// <summary>The endpoint as shown to users.</summary>
        public string Name => Endpoint.Text;

        /// <summary>A client for the engine at <paramref name="endpoint"/>; nothing is contacted yet.</summary>
        public static DockerEngine Connect(EngineEndpoint endpoint)
        {
            var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri);
            if (endpoint.UseTls)
            {
                try
                {
                    var certificates = DockerTlsCertificates.LoadFromDirectory(
                        endpoint.CertificatePath,
                        true,
                        "ca.pem",
                        "cert.pem",
                        "key.pem");
                    builder = builder.WithAuthProvider(certificates.CreateCredentials());
                }
                catch (Exception ex) when (!(ex is OpenImException))
                {
                    throw new OpenImException(
                        "EngineCertificateUnavailable",
                        OpenImErrorKind.SecurityError,
                        $"The TLS certificates for {endpoint} could not be loaded from '{endpoint.CertificatePath}': " +
                            $"{ex.Message}",
                        endpoint.Text,
                        ex,
                        "Put ca.pem, cert.pem and key.pem there, or set DOCKER_CERT_PATH.");
                }
            }

            return new DockerEngine(endpoint, builder.Build());
        }

        /// <summary>Checks that the engine answers; <c>EngineUnavailable</c> when it does not.</summary>
        public async Task PingAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _client.System.PingAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !(ex is OpenImException))
            {
                throw EngineErrors.Unavailable(Endpoint, ex);
            }
        }

        /// <summary>The image with this name or id, or null when the engine has none.</summary>
        public async Task<ImageInspectResponse> InspectAsync(string name, CancellationToken cancellationToken)
        {
            try
            {
                return await _client.Images.InspectImageAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerImageNotFoundException)
            {
                return null;
            }
            catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && EngineErrors.IsUnavailable(ex))
            {
                throw EngineErrors.Unavailable(Endpoint, ex);
            }
        }

        /// <summary>
        /// Pulls <paramref name="repository"/> at a tag or digest. Progress per layer goes to
        /// <paramref name="onLayer"/>; an error inside the engine's stream becomes an exception with
        /// its own id. Cancelling aborts the request, which stops the engine's pull.
        /// </summary>
        public async Task PullAsync(
            string repository,
            string tagOrDigest,
            string platform,
            AuthConfig auth,
            Action<LayerProgress> onLayer,
            CancellationToken cancellationToken)
        {
            var reference = repository + (tagOrDigest.StartsWith(
                "sha256:",
                StringComparison.Ordinal) ? "@" : ":") + tagOrDigest;
            string streamError = null;
            var progress = new SynchronousProgress<JSONMessage>(message =>
            {
                if (message.Error != null && !string.IsNullOrEmpty(message.Error.Message))
                {
                    streamError = message.Error.Message;
                    return;
                }

                if (!string.IsNullOrEmpty(message.ID) && onLayer != null && message.Status != null
                    && !message.Status.StartsWith("Pulling from", StringComparison.Ordinal))
                {
                    onLayer(new LayerProgress(
                        message.ID,
                        message.Status,
                        message.Progress?.Current ?? 0,
                        message.Progress?.Total ?? 0));
                }
            });

            var parameters = new ImagesCreateParameters
            {
                FromImage = repository,
                Tag = tagOrDigest,
                Platform = string.IsNullOrEmpty(platform) ? null : platform,
            };

            try
            {
                await _client.Images.CreateImageAsync(parameters, auth ?? new AuthConfig(), progress, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (DockerApiException ex)
            {
                throw EngineErrors.FromApi(reference, Name, ex);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && EngineErrors.IsUnavailable(ex))
            {
                throw EngineErrors.Unavailable(Endpoint, ex);
            }

            if (streamError != null)
            {
                throw EngineErrors.FromPull(reference, Name, streamError, null);
            }
        }

        /// <summary>Gives an image another name (repository:tag).</summary>
        public async Task TagAsync(string image, string repository, string tag, CancellationToken cancellationToken)
        {
            try
            {
                await _client.Images.TagImageAsync(
                    image,
                    new ImageTagParameters { RepositoryName = repository, Tag = tag },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex)
            {
                throw new OpenImException(
                    "TagFailed",
                    OpenImErrorKind.InvalidOperation,
                    $"The engine {Name} could not tag {image} as {repository}:{tag}: {ex.Message}",
                    image);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && EngineErrors.IsUnavailable(ex))
            {
                throw EngineErrors.Unavailable(Endpoint, ex);
            }
        }

        /// <summary>Every image on the engine.</summary>
        public async Task<IList<ImagesListResponse>> ListAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await _client.Images.ListImagesAsync(new ImagesListParameters { All = false }, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && EngineErrors.IsUnavailable(ex))
            {
                throw EngineErrors.Unavailable(Endpoint, ex);
            }
        }

        /// <summary>The images as one <c>docker save</c> tar stream.</summary>
        public async Task<System.IO.Stream> SaveAsync(IEnumerable<string> names, CancellationToken cancellationToken)
        {
            try
            {
                return await _client.Images.SaveImagesAsync(names.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex)
            {
                throw new OpenImException(
                    "SaveFailed",
                    OpenImErrorKind.InvalidOperation,
                    $"The engine {Name} could not save the images: {ex.Message}",
                    Name,
                    ex);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && EngineErrors.IsUnavailable(ex))
            {
                throw EngineErrors.Unavailable(Endpoint, ex);
            }
        }

        /// <summary>Loads a <c>docker save</c> tar stream; an error in the engine's answer is an exception.</summary>
        public async Task LoadAsync(System.IO.Stream archive, CancellationToken cancellationToken)
        {
            string streamError = null;
            var progress = new SynchronousProgress<JSONMessage>(message =>
            {
                if (message.Error != null && !string.IsNullOrEmpty(message.Error.Message))
                {
                    streamError = message.Error.Message;
                }
            });
            try
            {
                await _client.Images.LoadImageAsync(
                    new ImageLoadParameters { Quiet = true },
                    archive,
                    progress,
                    cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (DockerApiException ex)
            {
                streamError = ex.ResponseBody ?? ex.Message;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && EngineErrors.IsUnavailable(ex))
            {
                throw EngineErrors.Unavailable(Endpoint, ex);
            }

            if (streamError != null)
            {
                throw new OpenImException(
                    "LoadFailed",
                    OpenImErrorKind.InvalidOperation,
                    $"The engine {Name} could not load the archive: {streamError}",
                    Name);
            }
        }

        public void Dispose()
        {
            _client.Dispose();
        }

        /// <summary>
        /// Calls back on the thread that reports, not on a captured context: the callback only records
        /// numbers and queues messages, so it must not wait for a busy pipeline thread.
        /// </summary>
        private sealed class SynchronousProgress<T> : IProgress<T>
        {
            private readonly Action<T> _handler;

            public SynchronousProgress(Action<T> handler)
            {
                _handler = handler;
            }

            public void Report(T value)
            {
                _handler(value);
            }
        }
    }
}
