namespace Portal.Data.Audit;

/// Stable event types, numbered in blocks of 100 per area. Never renumber: the numbers are stored and exported.
public enum AuditEventType
{
    // 100: system
    BootstrapAdminCreated = 100,
    AuditChainVerified = 110,
    AuditChainBroken = 111,
    AuditVerificationRequested = 112,
    AuditExported = 120,

    // 1000: accounts and sign-in
    LoginSucceeded = 1000,
    LoginFailed = 1001,
    AccountLockedOut = 1002,
    SignInThrottled = 1003,
    PasswordChanged = 1010,
    PasswordReset = 1011,
    TwoFactorEnabled = 1020,
    TwoFactorDisabled = 1021,
    TwoFactorCodeReplayed = 1022,
    ManagementTokenCreated = 1030,
    ManagementTokenRevoked = 1031,
    ManagementTokenIssuedForLogin = 1032,
    ManagementTokensRevokedForCredentialChange = 1033,

    // 1100: projects
    ProjectCreated = 1100,
    ProjectUpdated = 1101,
    ProjectDeleted = 1102,

    // 1200: organizations
    OrganizationCreated = 1200,
    OrganizationUpdated = 1201,

    // 1300: members and invitations
    InvitationCreated = 1300,
    InvitationAccepted = 1301,
    InvitationRevoked = 1302,
    /// A platform admin became Owner without an invitation: by creating the organization, or with "Join as Owner".
    MemberJoinedAsOwner = 1303,
    MemberRoleChanged = 1310,
    MemberRemoved = 1311,

    // 1400: certificates
    CertificateImported = 1400,
    CertificateGenerated = 1401,
    CertificatePromoted = 1402,
    CertificateRetired = 1403,
    CertificateRevealed = 1404,
    CertificateRotated = 1405,
    CertificateRotationDue = 1406,

    // 1500: token policies
    PolicyUpdated = 1500,

    // 1600: API keys and the token API
    ApiKeyCreated = 1600,
    ApiKeyRevoked = 1601,
    SecretKeyInUrl = 1610,
    TestTokenMinted = 1620,

    // 1700: report and notification delivery
    NotificationSettingsUpdated = 1700,
    WebhookSecretCreated = 1701,

    // 1800: identity providers and token exchange
    IdentityProviderCreated = 1800,
    IdentityProviderChanged = 1801,
    IdentityProviderRemoved = 1802,
    TokenExchangeFirstToday = 1810,
    TokenExchangeRefused = 1811,

    // 1900: security
    CrossOrganizationAccessRefused = 1900,
    RoleForbidden = 1901,

    // 2000: Agora operations (REST credentials, kicks and bans)
    AgoraAccountAdded = 2000,
    AgoraAccountRemoved = 2001,
    AgoraAccountRevealed = 2002,
    AgoraAccountTested = 2003,
    ProjectAgoraAccountLinked = 2004,
    /// A kick or ban Agora confirmed (details carry Agora's rule id).
    BanCreated = 2010,
    /// A kick or ban Agora refused, or whose retries gave up (details carry the reason).
    BanFailed = 2011,
    BanLifted = 2012,
    /// A transient failure (5xx, 429, time-out): recorded and retried with backoff.
    BanCallDeferred = 2013,
    TokensRevoked = 2020,
    TokenRevocationLifted = 2021,
    NcsSecretSet = 2030,
    /// An NCS request with a bad or missing signature (throttled: one event a minute per project with the count).
    NcsSignatureRefused = 2031,
}
