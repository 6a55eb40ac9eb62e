using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OpenIm.PowerShell.Catalog;
using OpenIm.PowerShell.Registry;

namespace OpenIm.PowerShell.Commands
{
    /// <summary>
    /// The base of the cmdlets that ask registries: input checks that run before any request, the
    /// registry selection, credentials, and one registry client per call.
    /// </summary>
    public abstract class RegistryCommand : OpenImCmdlet
    {
        /// <summary>
        /// Credentials for the registry named by -Registry. Without it: the registry's credential in
        /// Docker's config (helpers, credsStore, auths), else anonymous.
        /// </summary>
        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>The built-in default images, or the named ones checked against the catalog.</summary>
        protected static IReadOnlyList<OpenImImageDefinition> ResolveImages(IEnumerable<string> names)
        {
            var list = names?.Where(n => n != null).ToList();
            if (list == null || list.Count == 0)
            {
                return ImageCatalog.Defaults.ToList();
            }

            var result = new List<OpenImImageDefinition>();
            foreach (var name in list)
            {
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                    result.AddRange(ImageCatalog.All.Where(i => pattern.IsMatch(i.Name)));
                    continue;
                }

                result.Add(ResolveImage(name));
            }

            return result.Distinct().ToList();
        }

        /// <summary>One image name checked for syntax, then against the catalog.</summary>
        protected static OpenImImageDefinition ResolveImage(string name)
        {
            var lowered = name?.ToLowerInvariant();
            if (string.IsNullOrEmpty(lowered) || !TagGrammar.IsValidRepositoryName(lowered) || lowered.Contains("/"))
            {
                throw new OpenImException(
                    "InvalidImageName",
                    OpenImErrorKind.InvalidArgument,
                    $"'{TagGrammar.Quote(name ?? string.Empty)}' is not a valid image name: use lowercase letters, " +
                    "digits and '-', such as openim-server.",
                    name);
            }

            return ImageCatalog.Find(lowered) ?? throw GetOpenImImageCommand.UnknownImage(name);
        }

        /// <summary>Checks a tag's syntax before any request.</summary>
        protected static string CheckTag(string tag)
        {
            if (!TagGrammar.IsValidTag(tag))
            {
                throw new OpenImException(
                    "InvalidTag",
                    OpenImErrorKind.InvalidArgument,
                    $"'{TagGrammar.Quote(tag ?? string.Empty)}' is not a valid tag: up to 128 letters, digits, '_', '.' " +
                    "and '-', not starting with '.' or '-'.",
                    tag);
            }

            return tag;
        }

        /// <summary>Parses -Platform before any request.</summary>
        protected static PlatformSpec ParsePlatform(string text)
        {
            if (text == null)
            {
                return null;
            }

            try
            {
                return PlatformSpec.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new OpenImException("InvalidPlatform", OpenImErrorKind.InvalidArgument, ex.Message, text, ex);
            }
        }

        /// <summary>Parses -Version before any request.</summary>
        protected static VersionRange ParseVersionRange(string text)
        {
            if (text == null)
            {
                return null;
            }

            try
            {
                return VersionRange.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new OpenImException("InvalidVersionRange", OpenImErrorKind.InvalidArgument, ex.Message, text, ex);
            }
        }

        /// <summary>
        /// The registries to ask, in priority order: all of them when <paramref name="patterns"/> is
        /// empty, else those matching the names or wildcards. An unknown literal name is an error.
        /// </summary>
        protected IReadOnlyList<OpenImRegistry> SelectRegistries(string[] patterns)
        {
            var all = Registries.GetAll(out var settingsError);
            if (settingsError != null)
            {
                WriteError(ToErrorRecord(settingsError));
            }

            var selected = NameFilter.Apply(all, r => r.Name, patterns, out var unknown);
            if (unknown.Count > 0)
            {
                throw new OpenImException(
                    "RegistryNotFound",
                    OpenImErrorKind.NotFound,
                    $"There is no registry named '{TagGrammar.Quote(unknown[0])}'. Known registries: " +
                    string.Join(", ", all.Select(r => r.Name)) + ".",
                    unknown[0],
                    null,
                    "Run Get-OpenImRegistry to list them.");
            }

            if (selected.Count == 0)
            {
                throw new OpenImException(
                    "RegistryNotFound",
                    OpenImErrorKind.NotFound,
                    $"No registry matches '{string.Join("', '", patterns)}'.",
                    patterns,
                    null,
                    "Run Get-OpenImRegistry to list them.");
            }

            if (Credential != null && selected.Count != 1)
            {
                // A credential meant for one registry must never be sent to another one.
                throw new OpenImException(
                    "CredentialNeedsOneRegistry",
                    OpenImErrorKind.InvalidArgument,
                    "-Credential applies to exactly one registry; name it with -Registry.",
                    patterns,
                    null,
                    "Add -Registry <name>, or let Docker's config supply credentials per registry.");
            }

            return selected;
        }

        /// <summary>A registry client for this call, writing its log through the bridge.</summary>
        protected RegistryClient CreateClient(IOpenImLog log)
        {
            RegistryCredential credential = null;
            if (Credential != null)
            {
                credential = new RegistryCredential(
                    Credential.UserName,
                    Credential.GetNetworkCredential().Password,
                    "-Credential");
            }

            return new RegistryClient(RegistrySession.Shared, log, credential);
        }

        /// <summary>Reports one item's failure without stopping the call.</summary>
        protected static void ReportItemError(PipelineBridge bridge, OpenImException exception)
        {
            bridge.Error(exception);
        }
    }
}
