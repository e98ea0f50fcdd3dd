namespace Portal.Tokens;

/// <summary>Marker type for locating the Portal.Tokens assembly.</summary>
public static class AssemblyMarker;
