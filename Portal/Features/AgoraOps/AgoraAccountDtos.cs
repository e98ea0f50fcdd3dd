namespace Portal.Features.AgoraOps;

/// An Agora account as people see it: the Customer ID, a fingerprint of the secret, never the secret.
public sealed record AgoraAccountDto(Guid Id, string Name, string CustomerId, string SecretFingerprint, DateTimeOffset CreatedAt,
    DateTimeOffset? LastTestedAt, string? LastTestResult, int LinkedProjects);

public sealed record AddAgoraAccount(string? Name, string? CustomerId, string? CustomerSecret);

public sealed record RevealAgoraSecret(string? Password, string? Otp);

public sealed record RevealedAgoraSecret(Guid Id, string CustomerId, string CustomerSecret);

/// The outcome of *Test connection* (`GET /dev/v1/projects`): Agora's error in plain words when it failed.
public sealed record AgoraConnectionTest(bool Ok, string Message, int? AgoraStatus, int? ProjectCount);

public sealed record LinkAgoraAccount(Guid? AgoraAccountId);

public sealed record ProjectAgoraLinkDto(Guid ProjectId, Guid? AgoraAccountId, string? AccountName, string? CustomerId);
