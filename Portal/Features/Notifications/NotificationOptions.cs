namespace Portal.Features.Notifications;

/// `Portal:Notifications`. Webhooks must use HTTPS; a plain-HTTP loopback receiver (http://127.0.0.1:…) is
/// accepted only when AllowLoopbackHttp is on, which tests and local experiments use.
public sealed class NotificationOptions
{
    public bool AllowLoopbackHttp { get; set; }

    /// Delays before the 2nd, 3rd, … attempt; after the last one the notification is marked failed.
    public static readonly TimeSpan[] RetryDelays =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public static int MaxAttempts => RetryDelays.Length + 1;
}
