namespace Portal.Data.Audit;

/// Stable event types, numbered in blocks of 100 per area. Never renumber: the numbers are stored and exported.
public enum AuditEventType
{
    // 100: system
    BootstrapAdminCreated = 100,
    AuditChainVerified = 110,
    AuditChainBroken = 111,

    // 1000: accounts and sign-in
    LoginSucceeded = 1000,
    LoginFailed = 1001,
    AccountLockedOut = 1002,
    PasswordChanged = 1010,
    PasswordReset = 1011,
    TwoFactorEnabled = 1020,
    TwoFactorDisabled = 1021,
    TwoFactorCodeReplayed = 1022,
    ManagementTokenCreated = 1030,
    ManagementTokenRevoked = 1031,
    ManagementTokenIssuedForLogin = 1032,
}
