namespace Portal.Features.Notifications;

/// Members who cannot change the settings (Auditors) see the webhook's host only: some receivers put a secret in the URL.
public sealed record NotificationSettingsDto(string? WebhookUrl, string? WebhookSecretPrefix, IReadOnlyList<string> EmailRecipients, bool EmailAvailable,
    string? WebhookHost = null);

public sealed record UpdateNotificationSettings(string? WebhookUrl, IReadOnlyList<string>? EmailRecipients, bool RotateSecret = false);

/// The secret is present only in the answer that created it.
public sealed record NotificationSettingsSaved(NotificationSettingsDto Settings, string? WebhookSecret);

public sealed record DeliveryAttemptDto(int Number, DateTimeOffset At, bool Succeeded, int? StatusCode, string? Error, int DurationMs);

public sealed record DeliveryDto(Guid Id, string Channel, string Kind, string Subject, string Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? NextAttemptAt, string? LastError, IReadOnlyList<DeliveryAttemptDto> AttemptLog);
