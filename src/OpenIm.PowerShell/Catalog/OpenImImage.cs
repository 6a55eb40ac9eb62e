using System;

namespace OpenIm.PowerShell.Catalog
{
    /// <summary>One catalog image on one registry, with the reference to pull it by.</summary>
    public sealed class OpenImImage
    {
        public OpenImImage(OpenImImageDefinition definition, OpenImRegistry registry)
        {
            if (definition == null)
            {
                throw new ArgumentNullException(nameof(definition));
            }

            RegistryInfo = registry ?? throw new ArgumentNullException(nameof(registry));
            Image = definition.Name;
            Product = definition.Product;
            IsDefault = definition.IsDefault;
            Description = definition.Description;
            Registry = registry.Name;
            Reference = registry.RepositoryOf(definition.Name);
        }

        /// <summary>The image name, such as <c>openim-server</c>.</summary>
        public string Image { get; }

        /// <summary>The registry's name, such as <c>Ghcr</c>.</summary>
        public string Registry { get; }

        /// <summary>The repository reference without a tag, such as <c>ghcr.io/openimsdk/openim-server</c>.</summary>
        public string Reference { get; }

        /// <summary>The product the image belongs to.</summary>
        public OpenImProduct Product { get; }

        /// <summary>True for the default images (server and chat).</summary>
        public bool IsDefault { get; }

        /// <summary>What the image contains.</summary>
        public string Description { get; }

        /// <summary>The full registry entry the reference was built from.</summary>
        public OpenImRegistry RegistryInfo { get; }

        public override string ToString() => Reference;
    }
}
