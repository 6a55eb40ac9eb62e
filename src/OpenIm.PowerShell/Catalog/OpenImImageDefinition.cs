using System;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>Which OpenIM product an image belongs to.</summary>
    public enum OpenImProduct
    {
        Server,
        Chat,
        FrontEnd,
    }

    /// <summary>One image that OpenIM publishes, as the catalog knows it.</summary>
    public sealed class OpenImImageDefinition
    {
        public OpenImImageDefinition(string name, OpenImProduct product, bool isDefault, string description)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Product = product;
            IsDefault = isDefault;
            Description = description ?? string.Empty;
        }

        /// <summary>The repository name under a registry's namespace, such as <c>openim-server</c>.</summary>
        public string Name { get; }

        /// <summary>The product the image belongs to.</summary>
        public OpenImProduct Product { get; }

        /// <summary>True for the all-in-one images that commands use when no image is named.</summary>
        public bool IsDefault { get; }

        /// <summary>What the image contains.</summary>
        public string Description { get; }
    }
}
