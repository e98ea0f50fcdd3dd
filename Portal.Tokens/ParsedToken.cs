namespace Portal.Tokens;

/// <summary>A parsed token of either format. See <see cref="ParsedAccessToken2"/> and <see cref="Legacy.ParsedAccessToken006"/>.</summary>
/// <param name="Version">"007" or "006".</param>
/// <param name="AppId">The App ID the token carries.</param>
public abstract record ParsedToken(string Version, string AppId);
