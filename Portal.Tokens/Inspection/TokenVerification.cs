using System.Text;
using System.Text.Json;

namespace Portal.Tokens.Inspection;

/// <summary>What to check a token against. Only <see cref="Certificate"/> is required.</summary>
/// <param name="Certificate">The project's App Certificate (32 hex characters).</param>
public sealed record TokenVerifyOptions(string Certificate)
{
    /// <summary>Expected App ID, compared exactly (case preserved, as signed).</summary>
    public string? AppId { get; init; }

    /// <summary>Channel the token must grant (007: an RTC service; 006: signed, and needed to verify).</summary>
    public string? ChannelName { get; init; }

    /// <summary>Uid text as signed: decimal for an int uid, "" for uid 0 (<see cref="AccessToken2.UidText"/>), or the account. A 007 wildcard "" matches any uid.</summary>
    public string? Uid { get; init; }

    /// <summary>The time to check expiry against; null skips the expiry checks (the engine has no clock).</summary>
    public DateTimeOffset? Now { get; init; }
}

/// <summary>Outcome of one check.</summary>
public enum TokenCheckStatus
{
    /// <summary>The check passed.</summary>
    Passed,
    /// <summary>The check failed; the token is not valid for the request.</summary>
    Failed,
    /// <summary>Not checked (no input for it, or an earlier check failed).</summary>
    Skipped,
    /// <summary>Passed with a caveat (for example an unknown service type).</summary>
    Warning,
}

/// <summary>One check of a verification.</summary>
/// <param name="Name">Stable name: format, signature, app_id, channel_uid, expiry, privilege_expiry, services.</param>
/// <param name="Status">Outcome.</param>
/// <param name="Detail">Human-readable detail; for a format failure it starts with the error code.</param>
public sealed record TokenCheck(string Name, TokenCheckStatus Status, string Detail);

/// <summary>Result of <see cref="TokenVerifier.Verify"/>: every check, and whether none failed.</summary>
/// <param name="Valid">True when no check failed.</param>
/// <param name="Version">"006", "007", or null when the prefix was unreadable.</param>
/// <param name="FormatError">The parse error, when the token is malformed.</param>
/// <param name="Checks">The checks in order.</param>
/// <param name="Token">The parsed token, when it could be parsed.</param>
public sealed record TokenVerificationReport(bool Valid, string? Version, TokenFormatError? FormatError, IReadOnlyList<TokenCheck> Checks, ParsedToken? Token)
{
    /// <summary>
    /// The report as JSON: <c>{"valid", "version", "error": {"code","message"} | null, "checks": [{"name","status","detail"}],
    /// "token": (the <see cref="TokenDecodeJson"/> object) | null}</c>. Status values are lower-case.
    /// </summary>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteBoolean("valid", Valid);
            if (Version is null) { w.WriteNull("version"); } else { w.WriteString("version", Version); }
            if (FormatError is null)
            {
                w.WriteNull("error");
            }
            else
            {
                w.WriteStartObject("error");
                w.WriteString("code", FormatError.Code);
                w.WriteString("message", FormatError.Message);
                w.WriteEndObject();
            }

            w.WriteStartArray("checks");
            foreach (var c in Checks)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("status", c.Status.ToString().ToLowerInvariant());
                w.WriteString("detail", c.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (Token is null)
            {
                w.WriteNull("token");
            }
            else
            {
                w.WritePropertyName("token");
                TokenDecodeJson.Write(w, Token);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
