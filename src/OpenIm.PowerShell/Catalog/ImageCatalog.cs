using System;
using System.Collections.Generic;
using System.Linq;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>
    /// The images OpenIM publishes. The all-in-one server and chat images form the default set;
    /// the front ends and the per-service images are known but only listed on request.
    /// </summary>
    public static class ImageCatalog
    {
        private static readonly OpenImImageDefinition[] Images = Build();

        /// <summary>Every known image, the default set first.</summary>
        public static IReadOnlyList<OpenImImageDefinition> All => Images;

        /// <summary>The images used when a command is given none.</summary>
        public static IEnumerable<OpenImImageDefinition> Defaults => Images.Where(i => i.IsDefault);

        /// <summary>The image with exactly this name (case-insensitive), or null.</summary>
        public static OpenImImageDefinition Find(string name)
        {
            return Images.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>
        /// The closest catalog names to a name that is not in the catalog, best first, so an error can
        /// say what the user probably meant.
        /// </summary>
        public static IReadOnlyList<string> Suggest(string name, int count = 3)
        {
            if (string.IsNullOrEmpty(name))
            {
                return Images.Where(i => i.IsDefault).Select(i => i.Name).ToArray();
            }

            var lowered = name.ToLowerInvariant();
            var withPrefix = lowered.StartsWith("openim-", StringComparison.Ordinal) ? lowered : "openim-" + lowered;
            return Images
                .Select(i => new { i.Name, Distance = Math.Min(
                    Distance(lowered, i.Name),
                    Distance(withPrefix, i.Name)) })
                .Where(x => x.Distance <= Math.Max(3, x.Name.Length / 3))
                .OrderBy(x => x.Distance)
                .ThenBy(x => x.Name, StringComparer.Ordinal)
                .Take(count)
                .Select(x => x.Name)
                .ToArray();
        }

        private static int Distance(string a, string b)
        {
            // Levenshtein distance over two rows; names are short, so this is cheap.
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }

                var swap = previous;
                previous = current;
                current = swap;
            }

            return previous[b.Length];
        }

        private static OpenImImageDefinition[] Build()
        {
            var list = new List<OpenImImageDefinition>
            {
                new OpenImImageDefinition(
                    "openim-server",
                    OpenImProduct.Server,
                    true,
                    "OpenIM server, all services in one image"),
                new OpenImImageDefinition(
                    "openim-chat",
                    OpenImProduct.Chat,
                    true,
                    "OpenIM chat and admin back end, all in one image"),
                new OpenImImageDefinition("openim-web-front", OpenImProduct.FrontEnd, false, "Web client front end"),
                new OpenImImageDefinition(
                    "openim-admin-front",
                    OpenImProduct.FrontEnd,
                    false,
                    "Admin console front end"),
            };

            var serverServices = new[]
            {
                "openim-api", "openim-msggateway", "openim-msgtransfer", "openim-push", "openim-crontask",
                "openim-rpc-auth", "openim-rpc-conversation", "openim-rpc-friend", "openim-rpc-group",
                "openim-rpc-msg", "openim-rpc-third", "openim-rpc-user",
            };
            list.AddRange(serverServices.Select(
                n => new OpenImImageDefinition(
                    n,
                    OpenImProduct.Server,
                    false,
                    "OpenIM server service " + n.Substring(7))));

            var chatServices = new[] { "openim-admin-api", "openim-admin-rpc", "openim-chat-api", "openim-chat-rpc" };
            list.AddRange(chatServices.Select(
                n => new OpenImImageDefinition(n, OpenImProduct.Chat, false, "OpenIM chat service " + n.Substring(7))));
            return list.ToArray();
        }
    }
}
