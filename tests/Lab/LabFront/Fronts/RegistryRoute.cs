using System.Text.RegularExpressions;

namespace OpenIm.Lab.Fronts;

/// <summary>
/// What a request path asks for: its kind and, under /v2/&lt;name&gt;/, the repository.
/// </summary>
internal sealed record RegistryRoute(RequestKind Kind, string? Repository, string? Reference)
{
    public static RegistryRoute Parse(string path)
    {
        if (path == "/token")
        {
            return new(RequestKind.Token, null, null);
        }

        if (path is "/v2" or "/v2/")
        {
            return new(RequestKind.Ping, null, null);
        }

        var match = RepositoryPath.Match(path);
        if (!match.Success)
        {
            return new(RequestKind.Other, null, null);
        }

        var name = match.Groups["name"].Value;
        if (match.Groups["tags"].Success)
        {
            return new(RequestKind.Tags, name, null);
        }

        if (match.Groups["ref"].Success)
        {
            return new(RequestKind.Manifest, name, match.Groups["ref"].Value);
        }

        // Uploads are not pulls; counting them apart keeps the blob count equal to blob fetches.
        var blob = match.Groups["blob"].Value;
        return blob.StartsWith("uploads", StringComparison.Ordinal)
            ? new(RequestKind.Other, name, null)
            : new(RequestKind.Blob, name, blob);
    }

    // Interpreted, not [GeneratedRegex]: the regex source generator took a fifth of LabFront's compile time,
    // and the lab's request rates leave the interpreter plenty of room.
    private static readonly Regex RepositoryPath = new(
        @"^/v2/(?<name>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)/"
        + @"(?:(?<tags>tags/list)|manifests/(?<ref>[^/]+)|blobs/(?<blob>uploads(?:/.*)?|[^/]+))$",
        RegexOptions.CultureInvariant);
}
