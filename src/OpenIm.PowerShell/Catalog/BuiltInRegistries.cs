using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// The three registries every OpenIM image is published to, in their default priority order:
    /// ghcr.io is recommended, the Alibaba Cloud registry is fast from Mainland China, and Docker Hub
    /// rate-limits anonymous pulls.
    /// </summary>
    public static class BuiltInRegistries
    {
        public const string Ghcr = "Ghcr";
        public const string Aliyun = "Aliyun";
        public const string DockerHub = "DockerHub";

        private static readonly OpenImRegistry[] Registries =
        {
            Create(Ghcr, "ghcr.io", "https://ghcr.io", "openimsdk", 10),
            Create(
                Aliyun,
                "registry.cn-hangzhou.aliyuncs.com",
                "https://registry.cn-hangzhou.aliyuncs.com",
                "openimsdk",
                20),
            Create(DockerHub, "docker.io", "https://registry-1.docker.io", "openim", 30),
        };

        /// <summary>The built-in registries as shipped, before any user change.</summary>
        public static IReadOnlyList<OpenImRegistry> All => Registries;

        /// <summary>The built-in registry with this name (case-insensitive), or null.</summary>
        public static OpenImRegistry Find(string name)
        {
            return Registries.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        private static OpenImRegistry Create(string name, string host, string uri, string ns, int priority)
        {
            var endpoint = new Uri(uri);
            return new OpenImRegistry(name, host, endpoint, ns, priority, RegistrySource.BuiltIn, false, endpoint);
        }
    }
}
