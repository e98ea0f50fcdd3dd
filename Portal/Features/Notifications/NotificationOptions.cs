namespace Portal.Features.Notifications;

/// `Portal:Notifications`. Webhooks must use HTTPS and reach a public address; a receiver inside the installation's
/// own network (loopback, private or link-local addresses) is called only when AllowPrivateNetworks is on, and a
/// plain-HTTP loopback receiver (http://127.0.0.1:…) only when AllowLoopbackHttp is on too (tests, local experiments).
public sealed class NotificationOptions
{
    public bool AllowLoopbackHttp { get; set; }

    /// For installations that deliver to receivers inside their own network. Off: such addresses are refused when the
    /// URL is saved (literal addresses, localhost) and at every delivery (what the name resolves to then).
    public bool AllowPrivateNetworks { get; set; }

    /// Delays before the 2nd, 3rd, … attempt; after the last one the notification is marked failed.
    public static readonly TimeSpan[] RetryDelays =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public static int MaxAttempts => RetryDelays.Length + 1;
}
