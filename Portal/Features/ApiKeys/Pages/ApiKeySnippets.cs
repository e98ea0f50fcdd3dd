using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portal.Features.ApiKeys.Pages;

/// Ready-to-paste requests for a key: the one-time reveal fills in the real key, the Overview tab a placeholder.
/// uid 42 rather than 0, because the default policy refuses the uid-0 wildcard.
public static class ApiKeySnippets
{
    public static string Curl(string baseUrl, string key) =>
        $"curl -X POST {baseUrl}/api/v1/tokens/rtc \\\n  -H \"Authorization: Bearer {key}\" \\\n  -H \"Content-Type: application/json\" \\\n" +
        "  -d '{\"channel\": \"demo\", \"uid\": 42, \"role\": \"publisher\", \"expireSeconds\": 3600}'";

    /// The classic token server's route; the key travels in a header.
    public static string DropInCurl(string baseUrl, Guid projectId, string key) =>
        $"curl -H \"Authorization: Bearer {key}\" \\\n  \"{DropInPath(baseUrl, projectId)}\"";

    /// Publishable keys only: secret keys in a URL are refused (secret_key_in_url).
    public static string DropInUrl(string baseUrl, Guid projectId, string key) =>
        $"{DropInPath(baseUrl, projectId)}&key={Uri.EscapeDataString(key)}";

    public static string DropInPath(string baseUrl, Guid projectId) =>
        $"{baseUrl}/compat/{projectId}/access_token?channel=demo&uid=42&expiredTs=3600";

    /// Portal's browser helper (/sdk/portal-token.js) rather than a bare fetch: it also renews the token before it
    /// expires. Evaluates to a promise of the token, so it can be pasted into a browser console as is.
    public static string Browser(string baseUrl, string key) =>
        $"const BASE = {Js(baseUrl)};\n" +
        $"const KEY = {Js(key)};\n" +
        $"// In an app: import {{ createTokenProvider }} from {Js(baseUrl + "/sdk/portal-token.js")};\n" +
        "import(BASE + \"/sdk/portal-token.js\").then(({ createTokenProvider }) => {\n" +
        "  const tokens = createTokenProvider({ baseUrl: BASE, key: KEY, channel: \"demo\", uid: 42 });\n" +
        "  // agora-rtc-sdk-ng: client.join(appId, \"demo\", token, 42), then tokens.attach(client)\n" +
        "  // renews the token before it expires.\n" +
        "  return tokens.getToken(); // { token, appId, expiresAt, renewAfter }\n" +
        "}); // refused: rejects with { code, status, detail }";

    // Shown as text, never inlined into a <script>: plain quotes read better than \u003C.
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Js(string value) => JsonSerializer.Serialize(value, Plain);
}
