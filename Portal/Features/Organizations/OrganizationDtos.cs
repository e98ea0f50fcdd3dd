using Portal.Data.Organizations;

namespace Portal.Features.Organizations;

public sealed record OrganizationSummary(Guid Id, string Name, string Slug, bool IsDisabled, bool RequireTwoFactor, OrganizationRole? Role);

/// `JoinAsOwner` left out: true for a platform admin who is a member of no organization, false otherwise.
public sealed record CreateOrganization(string? Name, string? Slug, bool? JoinAsOwner = null);

public sealed record UpdateOrganization(string? Name, bool? IsDisabled, bool? RequireTwoFactor);

public sealed record MemberDto(Guid Id, string UserId, string Email, OrganizationRole Role, bool TwoFactorEnabled,
    DateTimeOffset? LastSignInAt, DateTimeOffset JoinedAt);

public sealed record InvitationDto(Guid Id, string Email, OrganizationRole Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? AcceptedAt, DateTimeOffset? RevokedAt);

/// Returned once, to the inviter: the link carries the invitation's secret.
public sealed record CreatedInvitation(Guid Id, string Email, OrganizationRole Role, DateTimeOffset ExpiresAt, string Url, string Token);

public sealed record InviteMember(string? Email, OrganizationRole? Role);

public sealed record AcceptInvitation(string? Token, string? Password);

public sealed record InvitationPreview(string Email, bool AccountExists);

public sealed record AcceptedInvitation(Guid OrganizationId, string OrganizationName, string Email, bool CreatedAccount);

public sealed record ChangeRole(OrganizationRole? Role);
