using Portal.Tokens.Services;

namespace Portal.Features.Inspector;

public enum FindingLevel { Good, Info, Warning, Problem }

/// One plain-words statement about a token: what it means, and what Agora would do (with its error code when it refuses).
public sealed record Finding(FindingLevel Level, string Code, string Title, string Explanation, int? AgoraError = null);

/// A privilege with its absolute expiry (null: no separate limit, the token's own expiry applies).
public sealed record InspectedPrivilege(string Name, uint Value, DateTimeOffset? ExpiresAt, bool Expired);

/// One service of a 007 token (or the single implicit RTC/RTM grant of a 006 token).
public sealed record InspectedService(string Type, IReadOnlyList<KeyValuePair<string, string>> Fields, IReadOnlyList<InspectedPrivilege> Privileges);

/// What matched in this organization: the project by App ID and the certificate that signed the token (its state
/// and fingerprint only; the secret never leaves the server).
public sealed record InspectedMatch(Guid ProjectId, string ProjectName, string? CertificateState, string? CertificateFingerprint);

/// Everything the inspector page shows. <see cref="Valid"/> is the same verdict `POST /api/v1/tokens/verify` gives.
public sealed record TokenInspection(
    string? Version,
    string? FormatError,
    string? AppId,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    uint? Salt,
    IReadOnlyList<KeyValuePair<string, string>> Header,
    IReadOnlyList<InspectedService> Services,
    InspectedMatch? Match,
    bool Valid,
    IReadOnlyList<Finding> Findings);

/// What the person checking the token expects it to grant.
public sealed record InspectRequest(string? Token, string? Channel, string? Uid);

internal static class PrivilegeNames
{
    public static string For(TokenService? service, ushort id) => service switch
    {
        RtcService or null => Enum.IsDefined((RtcPrivilege)id) ? ((RtcPrivilege)id).ToString() : $"privilege {id}",
        RtmService or FpaService or Rtm2Service => Enum.IsDefined((LoginPrivilege)id) ? ((LoginPrivilege)id).ToString() : $"privilege {id}",
        StreamingService => Enum.IsDefined((StreamingPrivilege)id) ? ((StreamingPrivilege)id).ToString() : $"privilege {id}",
        ChatService => Enum.IsDefined((ChatPrivilege)id) ? ((ChatPrivilege)id).ToString() : $"privilege {id}",
        FcdnService => Enum.IsDefined((FcdnPrivilege)id) ? ((FcdnPrivilege)id).ToString() : $"privilege {id}",
        ApaasService => Enum.IsDefined((ApaasPrivilege)id) ? ((ApaasPrivilege)id).ToString() : $"privilege {id}",
        _ => $"privilege {id}",
    };
}
