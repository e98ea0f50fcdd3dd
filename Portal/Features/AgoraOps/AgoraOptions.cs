using System.ComponentModel.DataAnnotations;

namespace Portal.Features.AgoraOps;

/// `Portal:Agora`: where Agora's RESTful API lives and how long a call may take.
public sealed class AgoraOptions
{
    /// Agora's public endpoint; tests and private deployments (a proxy, a regional domain) point it elsewhere.
    [Required, Url]
    public string RestBaseUrl { get; set; } = "https://api.agora.io";

    /// Agora advises at least 20 s for creating a rule (its answer may be slow on a poor network).
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 20;

    /// For a RestBaseUrl inside the installation's own network (loopback in tests, a private proxy). Off: such
    /// addresses are refused at every connection, like webhooks (see Security/Outbound).
    public bool AllowPrivateNetworks { get; set; }

    /// A user NCS reported online whose leave event never came is taken offline after this many hours (a leave
    /// notice lost at Agora, or an endpoint that was down while Agora gave up).
    [Range(1, 720)]
    public int PresenceMaxAgeHours { get; set; } = 12;
}
