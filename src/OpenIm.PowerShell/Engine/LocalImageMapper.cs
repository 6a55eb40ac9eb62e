using System;
using System.Collections.Generic;
using System.Linq;
using Docker.DotNet.Models;
using OpenIm.PowerShell.Catalog;

namespace OpenIm.PowerShell.Engine
{
    /// <summary>
    /// Maps the names an engine lists (<c>ghcr.io/openimsdk/openim-server:v3.8.3</c>, or
    /// <c>openim/openim-server:v3.8.3</c> for Docker Hub, which the engine lists without its host)
    /// back to known registries and catalog images.
    /// </summary>
    public static class LocalImageMapper
    {
        /// <summary>The OpenIM images among an engine's images, one entry per OpenIM name.</summary>
        public static IReadOnlyList<OpenImLocalImage> Map(
            IEnumerable<ImagesListResponse> images,
            IReadOnlyList<OpenImRegistry> registries,
            string dockerHost)
        {
            var result = new List<OpenImLocalImage>();
            foreach (var image in images)
            {
                foreach (var name in image.RepoTags ?? Array.Empty<string>())
                {
                    if (!TrySplit(name, registries, out var registry, out var catalogImage, out var tag))
                    {
                        continue;
                    }

                    var digest = (image.RepoDigests ?? Array.Empty<string>())
                        .Select(d => d.Split('@'))
                        .Where(parts => parts.Length == 2 && TrySplit(
                            parts[0] + ":x",
                            registries,
                            out var r,
                            out var i,
                            out _)
                            && r.Name == registry.Name && i == catalogImage)
                        .Select(parts => parts[1])
                        .FirstOrDefault();
                    result.Add(new OpenImLocalImage(
                        catalogImage,
                        registry.Name,
                        tag,
                        TagInfo.Classify(tag),
                        name,
                        digest,
                        image.ID,
                        image.Created == default ? (DateTimeOffset?)null : new DateTimeOffset(DateTime.SpecifyKind(
                            image.Created,
                            DateTimeKind.Utc)),
                        image.Size,
                        dockerHost));
                }
            }

            return result;
        }

        /// <summary>Splits <c>host/namespace/image:tag</c> into a known registry, a catalog image and a tag.</summary>
        public static bool TrySplit(
            string name,
            IReadOnlyList<OpenImRegistry> registries,
            out OpenImRegistry registry,
            out string image,
            out string tag)
        {
            registry = null;
            image = null;
            tag = null;
            var colon = name.LastIndexOf(':');
            var slash = name.LastIndexOf('/');
            if (colon <= slash || slash < 0)
            {
                return false;
            }

            tag = name.Substring(colon + 1);
            var repository = name.Substring(0, colon);
            var parts = repository.Split('/');
            string host;
            int start;
            if (parts[0].Contains(".") || parts[0].Contains(":") || parts[0] == "localhost")
            {
                host = parts[0];
                start = 1;
            }
            else
            {
                host = "docker.io";
                start = 0;
            }

            if (parts.Length - start < 2)
            {
                return false;
            }

            var space = string.Join("/", parts.Skip(start).Take(parts.Length - start - 1));
            image = parts[parts.Length - 1];
            var imageName = image;
            registry = registries.FirstOrDefault(r => r.Namespace == space
                && (Same(r.Host, host) || Same(r.PullHost, host) || Same(r.Uri.Authority, host)));
            return registry != null && ImageCatalog.Find(imageName) != null && TagGrammar.IsValidTag(tag);
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
