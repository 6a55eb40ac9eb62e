using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Registry;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Resolves a consistent OpenIM deployment set: a server line, the chat that pairs
    /// with it, and optionally the front ends. Pipe it into Invoke-OpenImPull.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "OpenImRelease")]
    [OutputType(typeof(OpenImReleaseMember))]
    public sealed class GetOpenImReleaseCommand : RegistryCommand
    {
        /// <summary>The server line, such as <c>3.8</c> (or <c>v3.8</c>). Default: the newest line.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Version { get; set; }

        /// <summary>
        /// Version (default) takes the fixed release tags, -patch.N included; Release takes the release
        /// branches (release-vX.Y[.Z]).
        /// </summary>
        [Parameter]
        [ValidateSet("Version", "Release")]
        public string Channel { get; set; } = "Version";

        /// <summary>
        /// The registry every member must exist on. Default: the first registry in priority order that
        /// answers for the server.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string Registry { get; set; }

        /// <summary>Every member must exist for this platform, such as <c>linux/arm64</c>.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Platform { get; set; }

        /// <summary>Adds the web and admin front ends from their release tags.</summary>
        [Parameter]
        public SwitchParameter IncludeFrontEnd { get; set; }

        protected override void EndProcessing()
        {
            OpenImVersion line = null;
            PlatformSpec platform = null;
            IReadOnlyList<OpenImRegistry> registries = null;
            OpenImRegistry chosen = null;
            Run(() =>
            {
                line = ParseLine(Version);
                platform = ParsePlatform(Platform);
                registries = SelectRegistries(null);
                if (Registry != null)
                {
                    // The newest members still come from the registries in priority order, so a member
                    // the chosen registry lacks is reported instead of silently replaced by an older one.
                    var named = SelectRegistries(new[] { Registry });
                    if (named.Count != 1)
                    {
                        throw new OpenImException(
                            "RegistryNotFound",
                            OpenImErrorKind.InvalidArgument,
                            $"-Registry must name exactly one registry; '{TagGrammar.Quote(Registry)}' matches " +
                            string.Join(", ", named.Select(r => r.Name)) + ".",
                            Registry);
                    }

                    chosen = named[0];
                }
            });

            var channel = Channel == "Release" ? OpenImChannel.Release : OpenImChannel.Version;
            RunAsync(async (bridge, token) =>
            {
                var resolver = new ReleaseResolver(new TagQuery(CreateClient(bridge), bridge), bridge);
                var members = await resolver.ResolveAsync(
                    line,
                    channel,
                    registries,
                    chosen,
                    platform,
                    IncludeFrontEnd,
                    bridge.Error,
                    token)
                    .ConfigureAwait(false);
                foreach (var member in members)
                {
                    bridge.Output(member);
                }
            });
        }

        private static OpenImVersion ParseLine(string text)
        {
            if (text == null)
            {
                return null;
            }

            if (!OpenImVersion.TryParse(text, out var version) || version.IsPreRelease || version.PatchNumber.HasValue
                || version.ComponentCount != 2)
            {
                throw new OpenImException(
                    "InvalidVersionRange",
                    OpenImErrorKind.InvalidArgument,
                    $"'{TagGrammar.Quote(text)}' is not a release line: give major.minor such as 3.8 (or v3.8).",
                    text);
            }

            return version;
        }
    }
}
