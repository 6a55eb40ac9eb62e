using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Registry;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Measures each registry now: reachable, latency, authentication scheme and
    /// rate-limit quota.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "OpenImRegistry")]
    [OutputType(typeof(OpenImRegistryStatus))]
    public sealed class TestOpenImRegistryCommand : RegistryCommand
    {
        /// <summary>Registries to test; wildcards allowed. Default: all of them.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RegistryNameCompleter))]
        public string[] Registry { get; set; }

        protected override void ProcessRecord()
        {
            System.Collections.Generic.IReadOnlyList<OpenImRegistry> registries = null;
            Run(() => registries = SelectRegistries(Registry));
            RunAsync(async (bridge, token) =>
            {
                var client = CreateClient(bridge);
                var work = registries.Select(r => ProbeAsync(client, r, token)).ToArray();
                foreach (var task in work)
                {
                    bridge.Output(await task.ConfigureAwait(false));
                }
            });
        }

        private static async Task<OpenImRegistryStatus> ProbeAsync(
            RegistryClient client,
            OpenImRegistry registry,
            CancellationToken token)
        {
            RegistryPing ping;
            try
            {
                ping = await client.PingAsync(registry, token).ConfigureAwait(false);
            }
            catch (RegistryException ex)
            {
                RegistrySession.Shared.RecordProbe(registry.Name, false);
                return new OpenImRegistryStatus(
                    registry.Name,
                    registry.Uri,
                    false,
                    null,
                    null,
                    null,
                    ex.ErrorId,
                    ex.Reason);
            }

            RegistrySession.Shared.RecordProbe(registry.Name, true);

            // The quota shows on manifest answers; a HEAD reads it without using it up.
            RateLimitInfo quota = null;
            string errorId = null, error = null;
            try
            {
                await client.HeadManifestAsync(registry, ImageCatalog.Defaults.First().Name, "latest", token)
                    .ConfigureAwait(false);
            }
            catch (RegistryException ex)
            {
                errorId = ex.ErrorId;
                error = ex.Reason;
            }

            RegistrySession.Shared.RateLimits.TryGetValue(registry.Name, out quota);
            return new OpenImRegistryStatus(
                registry.Name,
                registry.Uri,
                true,
                ping.Latency,
                ping.AuthScheme,
                quota,
                errorId,
                error);
        }
    }
}
