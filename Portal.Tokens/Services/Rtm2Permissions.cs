namespace Portal.Tokens.Services;

/// <summary>One RTM2 permission grant: a resource type, a permission type and resource names.</summary>
/// <param name="ResourceType">See <see cref="Rtm2ResourceType"/>.</param>
/// <param name="PermissionType">See <see cref="Rtm2PermissionType"/>.</param>
/// <param name="Resources">Resource names, in the order given.</param>
public sealed record Rtm2Permission(ushort ResourceType, ushort PermissionType, IReadOnlyList<string> Resources)
{
    /// <summary>Convenience constructor with the enums.</summary>
    public Rtm2Permission(Rtm2ResourceType resourceType, Rtm2PermissionType permissionType, params string[] resources)
        : this((ushort)resourceType, (ushort)permissionType, resources)
    {
    }
}

/// <summary>
/// The permission tree of an RTM2 service: resource types, each with permission types, each with
/// resource names (TOKENS.md §1.3, type 8). Built trees are sorted by resource type, then
/// permission type; names keep insertion order. Parsed trees keep the wire order. Value equality.
/// </summary>
public sealed class Rtm2Permissions : IEquatable<Rtm2Permissions>
{
    private Rtm2Permissions(IReadOnlyList<ResourceGroup> groups) => Groups = groups;

    /// <summary>No permissions.</summary>
    public static Rtm2Permissions Empty { get; } = new([]);

    /// <summary>Resource types with their permission types, in packing order.</summary>
    public IReadOnlyList<ResourceGroup> Groups { get; }

    /// <summary>Groups grants by resource type and permission type (ascending); repeated pairs append their names.</summary>
    public static Rtm2Permissions Create(IEnumerable<Rtm2Permission> permissions)
    {
        var groups = permissions
            .GroupBy(p => p.ResourceType)
            .OrderBy(g => g.Key)
            .Select(g => new ResourceGroup(g.Key, g
                .GroupBy(p => p.PermissionType)
                .OrderBy(pg => pg.Key)
                .Select(pg => new PermissionGroup(pg.Key, pg.SelectMany(p => p.Resources).ToArray()))
                .ToArray()))
            .ToArray();
        return groups.Length == 0 ? Empty : new Rtm2Permissions(groups);
    }

    /// <summary>Creates from grants; see <see cref="Create(IEnumerable{Rtm2Permission})"/>.</summary>
    public static Rtm2Permissions Create(params Rtm2Permission[] permissions) => Create((IEnumerable<Rtm2Permission>)permissions);

    internal static Rtm2Permissions FromWire(ResourceGroup[] groups) => groups.Length == 0 ? Empty : new(groups);

    /// <summary>The tree as flat grants, one per (resource type, permission type).</summary>
    public IEnumerable<Rtm2Permission> Flatten() =>
        Groups.SelectMany(g => g.Permissions.Select(p => new Rtm2Permission(g.ResourceType, p.PermissionType, p.Resources)));

    /// <inheritdoc />
    public bool Equals(Rtm2Permissions? other) =>
        other is not null && Groups.Count == other.Groups.Count && Groups.Zip(other.Groups).All(x =>
            x.First.ResourceType == x.Second.ResourceType
            && x.First.Permissions.Count == x.Second.Permissions.Count
            && x.First.Permissions.Zip(x.Second.Permissions).All(y =>
                y.First.PermissionType == y.Second.PermissionType && y.First.Resources.SequenceEqual(y.Second.Resources)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Rtm2Permissions);

    /// <inheritdoc />
    public override int GetHashCode() => Groups.Count;

    /// <summary>One resource type and its permission types.</summary>
    /// <param name="ResourceType">See <see cref="Rtm2ResourceType"/>.</param>
    /// <param name="Permissions">Permission types with their resource names.</param>
    public sealed record ResourceGroup(ushort ResourceType, IReadOnlyList<PermissionGroup> Permissions);

    /// <summary>One permission type and its resource names.</summary>
    /// <param name="PermissionType">See <see cref="Rtm2PermissionType"/>.</param>
    /// <param name="Resources">Resource names.</param>
    public sealed record PermissionGroup(ushort PermissionType, IReadOnlyList<string> Resources);
}
