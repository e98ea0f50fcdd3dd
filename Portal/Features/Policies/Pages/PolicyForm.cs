using Portal.Data;
using Portal.Data.Projects;

namespace Portal.Features.Policies.Pages;

/// The Policy tab's editable copy of a <see cref="PolicyDto"/>; channel prefixes are one per line.
public sealed class PolicyForm
{
    public int DefaultLifetimeSeconds { get; set; }
    public int MinLifetimeSeconds { get; set; }
    public int MaxLifetimeSeconds { get; set; }
    public AboveMaximum AboveMaximum { get; set; }
    public HashSet<string> Services { get; } = [];
    public HashSet<string> Roles { get; } = [];
    public DefaultRtcRole DefaultRole { get; set; }
    public bool AllowUidWildcard { get; set; }
    public bool AllowStringAccounts { get; set; }
    public string ChannelPrefixes { get; set; } = "";
    public int RenewAheadSeconds { get; set; }
    public int? RotationIntervalDays { get; set; }
    public bool AllowChatAppTokens { get; set; }

    public static PolicyForm From(PolicyDto p)
    {
        var form = new PolicyForm
        {
            DefaultLifetimeSeconds = p.DefaultLifetimeSeconds,
            MinLifetimeSeconds = p.MinLifetimeSeconds,
            MaxLifetimeSeconds = p.MaxLifetimeSeconds,
            AboveMaximum = p.AboveMaximum,
            DefaultRole = p.DefaultRole,
            AllowUidWildcard = p.AllowUidWildcard,
            AllowStringAccounts = p.AllowStringAccounts,
            ChannelPrefixes = string.Join('\n', p.ChannelPrefixes),
            RenewAheadSeconds = p.RenewAheadSeconds,
            RotationIntervalDays = p.RotationIntervalDays,
            AllowChatAppTokens = p.AllowChatAppTokens,
        };
        form.Services.UnionWith(p.AllowedServices);
        form.Roles.UnionWith(p.AllowedRoles);
        return form;
    }

    public PolicyDto ToDto() => new(
        DefaultLifetimeSeconds, MinLifetimeSeconds, MaxLifetimeSeconds, AboveMaximum,
        PolicyDto.Services.Where(Services.Contains).ToList(), PolicyDto.Roles.Where(Roles.Contains).ToList(),
        DefaultRole, AllowUidWildcard, AllowStringAccounts,
        LineList.Split(ChannelPrefixes),
        RenewAheadSeconds, RotationIntervalDays, AllowChatAppTokens);

    public void Toggle(HashSet<string> set, string value, bool on)
    {
        if (on) set.Add(value);
        else set.Remove(value);
    }
}
