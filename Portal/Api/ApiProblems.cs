using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Portal.Api;

/// RFC 9457 problems with a stable machine-readable `code` and a message a person can act on.
public static class ApiProblems
{
    public static ProblemHttpResult Problem(int status, string code, string detail, string? title = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = title ?? DefaultTitle(status),
            Detail = detail,
            Type = $"https://portal.local/problems/{code}",
            Extensions = { ["code"] = code },
        });

    public static ProblemHttpResult Unauthorized(string detail = "Send a valid management token as `Authorization: Bearer <token>`.") =>
        Problem(StatusCodes.Status401Unauthorized, "unauthorized", detail);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "not_found", detail);

    public static ProblemHttpResult Validation(string code, string detail) => Problem(StatusCodes.Status400BadRequest, code, detail);

    public static string DefaultTitle(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Request body too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => status >= 500 ? "Server error" : "Request refused",
    };

    /// The stable code for an error status produced by the framework rather than by an endpoint.
    public static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "body_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        503 => "unavailable",
        _ => status >= 500 ? "server_error" : "request_refused",
    };
}
