using QRCoder;

namespace Portal.Features.Account;

/// Renders the authenticator-app QR code on the Identity UI's "Configure authenticator app" page. The page's
/// script posts the otpauth URI here (a POST, so the shared secret never lands in a URL or an access log).
public static class QrCodeEndpoint
{
    public static void MapAuthenticatorQrCode(this IEndpointRouteBuilder app) =>
        app.MapPost("/account/authenticator-qr", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var uri = await reader.ReadToEndAsync(context.RequestAborted);
            if (!uri.StartsWith("otpauth://totp/", StringComparison.Ordinal) || uri.Length > 1024)
                return Results.BadRequest();
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
            var svg = new SvgQRCode(data).GetGraphic(4);
            return Results.Text(svg, "image/svg+xml");
        }).RequireAuthorization().DisableAntiforgery().ExcludeFromDescription();
}
