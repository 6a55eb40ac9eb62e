// A tiny HTTP/1.1 server for the reliability tests: it shows the registry and engine faults the lab
// cannot (a connection reset in the middle of a body, a Link to another host, a huge manifest,
// 100,000 tags, a token service that is down while /v2/ works, a TLS certificate nobody trusts, an
// engine that dies in the middle of a pull). Compiled by Add-Type in ReliabilityHelpers.ps1; it runs
// in the test process on 127.0.0.1 or on a unix socket and records every request it answers.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OpenImTest
{
    /// <summary>One scripted stand-in. Mode says how it answers; see Answer for the modes.</summary>
    public sealed class StandIn : IDisposable
    {
        public const string FixedToken = "standin-token-0123456789";

        private readonly Socket _listener;
        private readonly X509Certificate2 _certificate;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly string[] _manyTags;
        private readonly HttpClient _upstream = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        private int _failuresLeft;

        private StandIn(Socket listener, X509Certificate2 certificate, string mode, string socketPath)
        {
            _listener = listener;
            _certificate = certificate;
            Mode = mode;
            SocketPath = socketPath;
            if (mode == "many-tags")
            {
                _manyTags = new string[100000];
                for (var i = 0; i < _manyTags.Length; i++)
                {
                    _manyTags[i] = "v1." + (i / 1000) + "." + (i % 1000);
                }

                Array.Sort(_manyTags, StringComparer.Ordinal);
            }

            Task.Run(AcceptLoop);
        }

        /// <summary>How the stand-in answers.</summary>
        public string Mode { get; set; }

        /// <summary>The port on 127.0.0.1 (0 for a unix socket).</summary>
        public int Port => _listener.LocalEndPoint is IPEndPoint ip ? ip.Port : 0;

        /// <summary>The unix socket path, for an engine stand-in.</summary>
        public string SocketPath { get; }

        /// <summary>The endpoint a registry entry uses.</summary>
        public string Uri => (_certificate == null ? "http" : "https") + "://127.0.0.1:" + Port;

        /// <summary>How many requests still get the fault, for modes that fail the first N.</summary>
        public int FailuresLeft
        {
            get => Volatile.Read(ref _failuresLeft);
            set => Volatile.Write(ref _failuresLeft, value);
        }

        /// <summary>Where a foreign Link or a token realm points; the upstream registry of the proxy mode.</summary>
        public string Elsewhere { get; set; }

        /// <summary>Size of the huge manifest, in bytes.</summary>
        public int HugeSize { get; set; } = 5 * 1024 * 1024;

        /// <summary>Every request answered, as "METHOD path".</summary>
        public ConcurrentQueue<string> Requests { get; } = new ConcurrentQueue<string>();

        /// <summary>The Authorization header of every request that had one.</summary>
        public ConcurrentQueue<string> Authorizations { get; } = new ConcurrentQueue<string>();

        /// <summary>Connections accepted.</summary>
        public int Connections;

        /// <summary>TLS handshakes that failed (the client refused the certificate).</summary>
        public int FailedHandshakes;

        public static StandIn StartTcp(string mode, X509Certificate2 certificate = null)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen(64);
            return new StandIn(socket, certificate, mode, null);
        }

        public static StandIn StartUnix(string path, string mode)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(16);
            return new StandIn(socket, null, mode, path);
        }

        /// <summary>A port on 127.0.0.1 where nothing listens.</summary>
        public static int ClosedPort()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint).Port;
            socket.Close();
            return port;
        }

        public int Count(string contains)
        {
            var n = 0;
            foreach (var request in Requests)
            {
                if (request.Contains(contains))
                {
                    n++;
                }
            }

            return n;
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _listener.Close();
            }
            catch (SocketException)
            {
            }

            if (SocketPath != null && File.Exists(SocketPath))
            {
                File.Delete(SocketPath);
            }
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    return;
                }

                Interlocked.Increment(ref Connections);
                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(Socket client)
        {
            Stream stream = new NetworkStream(client, true);
            try
            {
                if (_certificate != null)
                {
                    var tls = new SslStream(stream, false);
                    try
                    {
                        await tls.AuthenticateAsServerAsync(_certificate, false, false).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref FailedHandshakes);
                        tls.Dispose();
                        return;
                    }

                    stream = tls;
                }

                while (!_stop.IsCancellationRequested)
                {
                    var request = await ReadRequest(stream).ConfigureAwait(false);
                    if (request == null)
                    {
                        return;
                    }

                    Requests.Enqueue(request.Method + " " + request.Target);
                    if (request.Authorization != null)
                    {
                        Authorizations.Enqueue(request.Authorization);
                    }

                    if (!await Answer(request, stream, client).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (Exception)
            {
                // A client that hangs up is part of the game.
            }
            finally
            {
                stream.Dispose();
            }
        }

        /// <summary>Answers one request; false closes the connection.</summary>
        private async Task<bool> Answer(Request request, Stream stream, Socket client)
        {
            var path = request.Path;
            if (Mode == "proxy-cut-blobs")
            {
                return await Proxy(request, stream, client).ConfigureAwait(false);
            }

            if (path.EndsWith("/_ping", StringComparison.Ordinal))
            {
                return await Send(stream, 200, "text/plain", "OK", "Api-Version: 1.41\r\n").ConfigureAwait(false);
            }

            if (path.EndsWith("/version", StringComparison.Ordinal))
            {
                return await Send(stream, 200, "application/json", "{\"ApiVersion\":\"1.41\",\"Version\":\"20.10.0\"}")
                    .ConfigureAwait(false);
            }

            if (path.Contains("/images/") && path.EndsWith("/json", StringComparison.Ordinal))
            {
                return await Send(stream, 404, "application/json", "{\"message\":\"No such image\"}")
                    .ConfigureAwait(false);
            }

            if (path.EndsWith("/images/create", StringComparison.Ordinal))
            {
                return await EnginePull(stream, client).ConfigureAwait(false);
            }

            if (path == "/token")
            {
                return await Send(
                    stream,
                    200,
                    "application/json",
                    "{\"token\":\"" + FixedToken + "\",\"expires_in\":300}")
                    .ConfigureAwait(false);
            }

            if (Mode == "reject-tokens" || Mode == "realm-down")
            {
                var realm = Mode == "realm-down" ? Elsewhere : "http://127.0.0.1:" + Port + "/token";
                var error = request.Authorization != null ? ",error=\"invalid_token\"" : string.Empty;
                var challenge = "Www-Authenticate: Bearer realm=\"" + realm + "\",service=\"standin\"" + error + "\r\n";
                return await Send(
                    stream,
                    401,
                    "application/json",
                    Errors("UNAUTHORIZED", "authentication required"),
                    challenge)
                    .ConfigureAwait(false);
            }

            if (path == "/v2/" || path == "/v2")
            {
                return await Send(stream, 200, "application/json", "{}").ConfigureAwait(false);
            }

            if (path.EndsWith("/tags/list", StringComparison.Ordinal))
            {
                return await TagPage(request, stream, client).ConfigureAwait(false);
            }

            if (path.Contains("/manifests/"))
            {
                return await Manifest(request, stream).ConfigureAwait(false);
            }

            return await Send(stream, 404, "application/json", Errors("NAME_UNKNOWN", "unknown")).ConfigureAwait(false);
        }

        private async Task<bool> TagPage(Request request, Stream stream, Socket client)
        {
            var name = request.Path.Substring(4, request.Path.Length - 4 - "/tags/list".Length);
            var tags = new[] { "latest", "main", "release-v3.8", "v3.8.2", "v3.8.3" };
            string link = null;
            switch (Mode)
            {
                case "many-tags":
                    var n = Math.Min(1000, int.TryParse(request.Query("n"), out var asked) && asked > 0 ? asked : 100);
                    var last = request.Query("last");
                    var start = string.IsNullOrEmpty(last) ? 0 : Array.BinarySearch(
                        _manyTags,
                        last,
                        StringComparer.Ordinal) + 1;
                    var count = Math.Min(n, _manyTags.Length - start);
                    tags = new string[count];
                    Array.Copy(_manyTags, start, tags, 0, count);
                    if (start + count < _manyTags.Length)
                    {
                        link = "</v2/" + name + "/tags/list?n=" + n + "&last=" + tags[count - 1] + ">; rel=\"next\"";
                    }

                    break;
                case "foreign-link":
                    link = "<" + Elsewhere + "/v2/" + name + "/tags/list?n=5&last=v3.8.3>; rel=\"next\"";
                    break;
                case "self-link":
                    link = "<" + request.Target + ">; rel=\"next\"";
                    break;
                case "html-200":
                    return await Send(
                        stream,
                        200,
                        "text/html",
                        "<html><body><h1>Welcome to our portal</h1></body></html>")
                        .ConfigureAwait(false);
            }

            var body = new StringBuilder("{\"name\":\"" + name + "\",\"tags\":[");
            for (var i = 0; i < tags.Length; i++)
            {
                body.Append(i == 0 ? "\"" : ",\"").Append(tags[i]).Append('"');
            }

            body.Append("]}");
            var extra = link == null ? string.Empty : "Link: " + link + "\r\n";
            if (Mode == "reset-tags" && Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                // Headers and half the body, then a reset: the connection dies in the middle of the page.
                var bytes = Encoding.UTF8.GetBytes(body.ToString());
                var head = Head(200, "application/json", bytes.Length, extra);
                await stream.WriteAsync(head, 0, head.Length).ConfigureAwait(false);
                await stream.WriteAsync(bytes, 0, bytes.Length / 2).ConfigureAwait(false);
                await stream.FlushAsync().ConfigureAwait(false);
                await Task.Delay(50).ConfigureAwait(false);
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                return false;
            }

            return await Send(stream, 200, "application/json", body.ToString(), extra).ConfigureAwait(false);
        }

        private async Task<bool> Manifest(Request request, Stream stream)
        {
            if (Mode != "huge-manifest" && Mode != "huge-manifest-unsized")
            {
                return await Send(stream, 404, "application/json", Errors("MANIFEST_UNKNOWN", "unknown"))
                    .ConfigureAwait(false);
            }

            var type = "application/vnd.oci.image.manifest.v1+json";
            if (request.Method == "HEAD")
            {
                var headOnly = Head(200, type, HugeSize, string.Empty);
                await stream.WriteAsync(headOnly, 0, headOnly.Length).ConfigureAwait(false);
                return true;
            }

            // A JSON document padded with spaces far past any real manifest; unsized, it ends when the
            // connection closes, so only the client's own cap stops the read.
            var sized = Mode == "huge-manifest";
            var header = "HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\n"
                + (sized ? "Content-Length: " + HugeSize + "\r\n" : "Connection: close\r\n") + "\r\n";
            var headBytes = Encoding.ASCII.GetBytes(header);
            await stream.WriteAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
            var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
            var open = Encoding.ASCII.GetBytes("{\"schemaVersion\":2,\"pad\":\"");
            await stream.WriteAsync(open, 0, open.Length).ConfigureAwait(false);
            var written = open.Length;
            while (written < HugeSize)
            {
                var take = Math.Min(chunk.Length, HugeSize - written);
                await stream.WriteAsync(chunk, 0, take).ConfigureAwait(false);
                written += take;
            }

            await stream.FlushAsync().ConfigureAwait(false);
            return sized;
        }

        private async Task<bool> EnginePull(Stream stream, Socket client)
        {
            var header = Encoding.ASCII.GetBytes(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(header, 0, header.Length).ConfigureAwait(false);
            var lines = new List<string>
            {
                "{\"status\":\"Pulling from openimsdk/openim-chat\",\"id\":\"v1.8.4\"}",
                "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"0a1b2c3d4e5f\"}",
                "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":512,\"total\":2048}," +
                "\"id\":\"0a1b2c3d4e5f\"}",
            };
            if (Mode == "engine-stream-error")
            {
                lines.Add("{\"errorDetail\":{\"message\":\"failed to register layer: no space left on device\"}," +
                          "\"error\":\"failed to register layer: no space left on device\"}");
            }

            foreach (var line in lines)
            {
                var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
                await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                await stream.FlushAsync().ConfigureAwait(false);
                await Task.Delay(100).ConfigureAwait(false);
            }

            if (Mode == "engine-dies")
            {
                // The engine process goes away in the middle of the download, and stays away.
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                Dispose();
            }

            return false;
        }

        /// <summary>
        /// Forwards to the registry at Elsewhere; the first FailuresLeft blob downloads are cut in the
        /// middle of their body by a reset, as a broken middlebox would.
        /// </summary>
        private async Task<bool> Proxy(Request request, Stream stream, Socket client)
        {
            var forward = new HttpRequestMessage(
                new HttpMethod(request.Method),
                Elsewhere.TrimEnd('/') + request.Target);
            foreach (var header in request.Headers)
            {
                if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)
                    || header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                    || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                forward.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            using (var answer = await _upstream.SendAsync(forward).ConfigureAwait(false))
            {
                var body = await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                var head = new StringBuilder("HTTP/1.1 " + (int)answer.StatusCode + " " + answer.ReasonPhrase + "\r\n");
                foreach (var header in answer.Headers)
                {
                    if (!header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                        && !header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    {
                        head.Append(header.Key).Append(": ").Append(string.Join(", ", header.Value)).Append("\r\n");
                    }
                }

                foreach (var header in answer.Content.Headers)
                {
                    if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        head.Append(header.Key).Append(": ").Append(string.Join(", ", header.Value)).Append("\r\n");
                    }
                }

                var length = request.Method == "HEAD" ? answer.Content.Headers.ContentLength ?? 0 : body.Length;
                head.Append("Content-Length: ").Append(length).Append("\r\n\r\n");
                var headBytes = Encoding.ASCII.GetBytes(head.ToString());
                await stream.WriteAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
                if (request.Method == "HEAD")
                {
                    return true;
                }

                var cut = request.Path.Contains("/blobs/") && answer.IsSuccessStatusCode && body.Length > 1
                    && Interlocked.Decrement(ref _failuresLeft) >= 0;
                await stream.WriteAsync(body, 0, cut ? body.Length / 2 : body.Length).ConfigureAwait(false);
                await stream.FlushAsync().ConfigureAwait(false);
                if (cut)
                {
                    Requests.Enqueue("CUT " + request.Target);
                    await Task.Delay(50).ConfigureAwait(false);
                    client.LingerState = new LingerOption(true, 0);
                    client.Close();
                    return false;
                }

                return true;
            }
        }

        private static string Errors(string code, string message)
        {
            return "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}";
        }

        private static byte[] Head(int status, string type, long length, string extra)
        {
            return Encoding.ASCII.GetBytes(
                "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Error") + "\r\n" +
                "Content-Type: " + type + "\r\nContent-Length: " + length + "\r\n" +
                "Docker-Distribution-API-Version: registry/2.0\r\n" + extra + "\r\n");
        }

        private static async Task<bool> Send(Stream stream, int status, string type, string body, string extra = "")
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = Head(status, type, bytes.Length, extra);
            await stream.WriteAsync(head, 0, head.Length).ConfigureAwait(false);
            await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
            return true;
        }

        private static async Task<Request> ReadRequest(Stream stream)
        {
            var buffer = new List<byte>();
            var one = new byte[1];
            while (true)
            {
                var read = await stream.ReadAsync(one, 0, 1).ConfigureAwait(false);
                if (read == 0)
                {
                    return null;
                }

                buffer.Add(one[0]);
                var n = buffer.Count;
                if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r'
                    && buffer[n - 1] == '\n')
                {
                    break;
                }

                if (n > 64 * 1024)
                {
                    return null;
                }
            }

            var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split(new[] { "\r\n" }, StringSplitOptions.None);
            var first = lines[0].Split(' ');
            var request = new Request { Method = first[0], Target = first.Length > 1 ? first[1] : "/" };
            var length = 0;
            for (var i = 1; i < lines.Length; i++)
            {
                var line = lines[i];
                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    continue;
                }

                var key = line.Substring(0, colon).Trim();
                var value = line.Substring(colon + 1).Trim();
                if (key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    int.TryParse(value, out length);
                }
                else if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                {
                    request.Authorization = value;
                }

                request.Headers.Add(new KeyValuePair<string, string>(key, value));
            }

            var body = new byte[length];
            var got = 0;
            while (got < length)
            {
                var read = await stream.ReadAsync(body, got, length - got).ConfigureAwait(false);
                if (read == 0)
                {
                    return null;
                }

                got += read;
            }

            return request;
        }

        private sealed class Request
        {
            public string Method;
            public string Target;
            public string Authorization;
            public List<KeyValuePair<string, string>> Headers = new List<KeyValuePair<string, string>>();

            public string Path
            {
                get
                {
                    var q = Target.IndexOf('?');
                    return q < 0 ? Target : Target.Substring(0, q);
                }
            }

            public string Query(string name)
            {
                var q = Target.IndexOf('?');
                if (q < 0)
                {
                    return null;
                }

                foreach (var pair in Target.Substring(q + 1).Split('&'))
                {
                    var eq = pair.IndexOf('=');
                    if (eq > 0 && pair.Substring(0, eq) == name)
                    {
                        return System.Uri.UnescapeDataString(pair.Substring(eq + 1));
                    }
                }

                return null;
            }
        }
    }
}
