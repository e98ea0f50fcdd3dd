using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Common;
using Portal.Data.IdentityProviders;

namespace Portal.Features.TokenExchange;

/// The Agora identity taken from a validated token: a uid or an account, and the subject it came from.
public sealed record ExchangeIdentity(long? Uid, string? Account, string Subject)
{
    /// RTM and Chat user ids are strings: the account, or the uid's decimal text.
    public string UserId => Account ?? Uid?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// The rule that matched and what it grants.
public sealed record RuleMatch(int Index, string Name, string Role, long? MaxLifetimeSeconds);

/// Claims, identity mapping and the rule table: pure functions over the token's payload (a JSON object), shared by the
/// exchange and the Try-it panel.
public static partial class ExchangeRules
{
    /// A claim as text: strings as they are, numbers as written, booleans as true/false; anything else has no text.
    public static string? ClaimText(JsonElement claims, string name) =>
        claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty(name, out var v) ? Text(v) : null;

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// True when the claim equals `value`, or is an array that contains it.
    public static bool Holds(JsonElement claims, RequiredClaim condition)
    {
        if (condition.Claim is null || claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(condition.Claim, out var v)) return false;
        if (v.ValueKind == JsonValueKind.Array) return v.EnumerateArray().Any(e => Text(e) == condition.Value);
        return Text(v) == condition.Value;
    }

    /// The stable 32-bit uid of a string claim: the first 4 bytes of SHA-256 of its UTF-8 value, read big-endian;
    /// 0 (Agora's "any uid") becomes 1.
    public static uint UidOf(string value)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        var uid = BinaryPrimitives.ReadUInt32BigEndian(digest);
        return uid == 0 ? 1 : uid;
    }

    public static Result<ExchangeIdentity> Identity(JsonElement claims, IdentityMapping mapping, string claim)
    {
        var subject = ClaimText(claims, "sub") ?? "";
        if (!claims.TryGetProperty(claim, out var value))
            return Malformed($"The token has no `{claim}` claim, which this provider maps to the Agora identity.");
        switch (mapping)
        {
            case IdentityMapping.UidClaim:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var uid) || uid < 1 || uid > uint.MaxValue)
                    return Malformed($"The `{claim}` claim must be a number from 1 to 4294967295 to be the uid.");
                return new ExchangeIdentity(uid, null, subject);
            case IdentityMapping.UidHash:
                if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
                    return Malformed($"The `{claim}` claim must be a non-empty string to be mapped to a uid.");
                return new ExchangeIdentity(UidOf(text), null, subject);
            default:
                if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } account)
                    return Malformed($"The `{claim}` claim must be a non-empty string to be the user account.");
                return new ExchangeIdentity(null, account, subject);
        }
    }

    /// The first rule that allows the request. `role` null asks for the rule's own role.
    public static Result<RuleMatch> Match(IReadOnlyList<ExchangeRule> rules, JsonElement claims, string service, string? channel, string? role,
        string providerName)
    {
        var wanted = role?.Trim().ToLowerInvariant();
        if (wanted == "audience") wanted = "subscriber";
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.When is { } when && !Holds(claims, when)) continue;
            if (rule.Services is not { } services || !services.Contains(service)) continue;
            var ruleRole = rule.Role ?? "subscriber";
            if (service == "rtc")
            {
                if (channel is null || rule.Channels is not { } patterns || !patterns.Any(p => ChannelMatches(p, claims, channel))) continue;
                if (wanted is not null && wanted != ruleRole && !(ruleRole == "publisher" && wanted == "subscriber")) continue;
            }
            return new RuleMatch(i, rule.Name ?? $"rule {i + 1}", service == "rtc" ? wanted ?? ruleRole : ruleRole, rule.MaxLifetimeSeconds);
        }
        var what = service == "rtc" ? $"RTC on channel `{channel}`{(wanted is null ? "" : $" as {wanted}")}" : service.ToUpperInvariant();
        return ServiceError.Forbidden("claim_rule_no_match",
            $"No rule of the rule set of identity provider \"{providerName}\" allows {what} for this identity: add or change a rule on the project's Sign-in tab.");
    }

    /// `{claim}` is replaced by the claim's text (matched literally), `*` matches any run of characters; a placeholder
    /// whose claim is absent never matches. No regular expression: a pattern with a placeholder differs per identity,
    /// so one built per request would be parsed per request (and miss Regex's small cache), and a glob of literal runs
    /// cannot backtrack.
    public static bool ChannelMatches(string pattern, JsonElement claims, string channel)
    {
        // Agora channel names are at most 64 bytes: a longer one matches nothing.
        if (channel.Length > 64) return false;
        // The pattern as the literal runs between its `*`s; a claim's text joins the run it stands in (its `*` stays literal).
        List<string> runs = [""];
        var at = 0;
        foreach (Match m in Placeholder().Matches(pattern))
        {
            AddLiteral(runs, pattern[at..m.Index]);
            if (ClaimText(claims, m.Groups[1].Value) is not { Length: > 0 } value) return false;
            runs[^1] += value;
            at = m.Index + m.Length;
        }
        AddLiteral(runs, pattern[at..]);
        return Glob(runs, channel);
    }

    private static void AddLiteral(List<string> runs, string text)
    {
        var parts = text.Split('*');
        runs[^1] += parts[0];
        for (var i = 1; i < parts.Length; i++) runs.Add(parts[i]);
    }

    /// `runs[0]*runs[1]*…*runs[^1]`: the first run starts the channel, the last ends it, the others follow in order
    /// between them (leftmost first is enough when `*` is the only wildcard). Ordinal, as Agora compares names.
    internal static bool Glob(IReadOnlyList<string> runs, string channel)
    {
        if (runs.Count == 1) return string.Equals(channel, runs[0], StringComparison.Ordinal);
        string first = runs[0], last = runs[^1];
        if (channel.Length < first.Length + last.Length || !channel.StartsWith(first, StringComparison.Ordinal)
            || !channel.EndsWith(last, StringComparison.Ordinal)) return false;
        var position = first.Length;
        var end = channel.Length - last.Length;
        for (var i = 1; i < runs.Count - 1; i++)
        {
            var found = channel.IndexOf(runs[i], position, end - position, StringComparison.Ordinal);
            if (found < 0) return false;
            position = found + runs[i].Length;
        }
        return true;
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_.:\-]+)\}")]
    private static partial Regex Placeholder();

    private static ServiceError Malformed(string message) => new(401, "id_token_malformed", message);
}
