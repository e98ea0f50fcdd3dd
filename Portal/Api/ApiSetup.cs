using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Portal.Data;
using Scalar.AspNetCore;

namespace Portal.Api;

public static class ApiSetup
{
    public const int MaxBodyBytes = 64 * 1024;

    /// The OpenAPI document; a feature that shapes its schemas configures `OpenApiOptions` under this name.
    public const string DocumentName = "v1";

    /// Paths that answer JSON and problem+json, never HTML: the APIs and the drop-in token routes.
    public static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/compat");

    public static WebApplicationBuilder AddPortalApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName);
        builder.Services.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = true; });
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var status = ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode;
            ctx.ProblemDetails.Extensions.TryAdd("code", ApiProblems.CodeFor(status));
            ctx.ProblemDetails.Title ??= ApiProblems.DefaultTitle(status);
            if (ctx.Exception is BadHttpRequestException bad)
            {
                ctx.ProblemDetails.Status = bad.StatusCode;
                ctx.ProblemDetails.Title = ApiProblems.DefaultTitle(bad.StatusCode);
                var fromBody = bad.InnerException is JsonException || bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase);
                ctx.ProblemDetails.Extensions["code"] = bad.StatusCode switch
                {
                    400 => fromBody ? "invalid_json" : "parameter_invalid",
                    _ => ApiProblems.CodeFor(bad.StatusCode),
                };
                ctx.ProblemDetails.Detail = bad.StatusCode switch
                {
                    413 => $"The request body is larger than {MaxBodyBytes / 1024} KiB.",
                    415 => "Send the body as JSON with `Content-Type: application/json`.",
                    _ when fromBody => "The request body could not be read: send one JSON object that matches the documented schema (numbers as numbers, no repeated properties).",
                    _ => "A path or query parameter has the wrong type: check numbers are plain integers.",
                };
            }
            if (StorageFaults.IsStorageFault(ctx.Exception))
            {
                ctx.ProblemDetails.Status = StatusCodes.Status503ServiceUnavailable;
                ctx.ProblemDetails.Title = ApiProblems.DefaultTitle(StatusCodes.Status503ServiceUnavailable);
                ctx.ProblemDetails.Extensions["code"] = StorageFaults.Code;
                ctx.ProblemDetails.Detail = StorageFaults.Message;
            }
            ctx.ProblemDetails.Detail ??= status switch
            {
                404 => "There is no route at this path; see /api/docs for the API and docs/token-api.md for the drop-in routes.",
                405 => "This route does not accept that HTTP method; see /api/docs.",
                _ => "The request was refused.",
            };
            ctx.ProblemDetails.Extensions.Remove("exception");
            ctx.ProblemDetails.Extensions.Remove("traceId");
        });
        // Unreadable bodies throw in every environment, so the exception handler answers them with a problem + code.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            // Strict input: "3600" is not a number, and a repeated property is an error rather than last-one-wins.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        return builder;
    }

    /// Problem+json for everything under /api: errors, unknown routes and over-sized bodies alike.
    public static WebApplication UsePortalApiErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // BadHttpRequestException (unreadable JSON, too-large body) is the client's fault: answer its status.
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when StorageFaults.IsStorageFault(ex) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            ExceptionHandlingPath = null,
            // A client's malformed request is not a server error: keep it out of the error log.
            SuppressDiagnosticsCallback = ctx => ctx.Exception is BadHttpRequestException,
            ExceptionHandler = async context =>
            {
                var feature = context.Features.Get<IExceptionHandlerFeature>();
                var storage = StorageFaults.IsStorageFault(feature?.Error);
                if (storage) context.Response.Headers.RetryAfter = StorageFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!IsApi(context.Request.Path) && feature?.Error is not BadHttpRequestException)
                {
                    context.Response.ContentType = "text/plain";
                    await context.Response.WriteAsync(storage ? StorageFaults.Message
                        : "Something went wrong. The error has been logged; try again or contact your administrator.");
                    return;
                }
                await WriteProblemAsync(new ProblemDetailsContext { HttpContext = context, Exception = feature?.Error });
            },
        });
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (!IsApi(http.Request.Path) || http.Response.HasStarted) return;
            await WriteProblemAsync(new ProblemDetailsContext { HttpContext = http });
        });
        app.Use(async (context, next) =>
        {
            if (IsApi(context.Request.Path))
            {
                // A declared length over the limit is refused before reading; a chunked body is cut by the server limit.
                if (context.Request.ContentLength > MaxBodyBytes)
                {
                    await ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "body_too_large",
                        $"The request body is larger than {MaxBodyBytes / 1024} KiB.").ExecuteAsync(context);
                    return;
                }
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                    limit.MaxRequestBodySize = MaxBodyBytes;
            }
            await next(context);
        });
        return app;
    }

    // The problem details service only writes when the Accept header allows JSON; an Accept of, say, text/html left
    // no writer and the error handler itself threw (a 500, found by the soak fuzz pass). The API answers problem+json
    // whatever the client accepts, so the same customized problem is written directly when the service declines.
    private static async Task WriteProblemAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        if (await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(context)) return;
        context.ProblemDetails.Status ??= http.Response.StatusCode;
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions>>().Value.CustomizeProblemDetails?.Invoke(context);
        http.Response.StatusCode = context.ProblemDetails.Status ?? http.Response.StatusCode;
        await http.Response.WriteAsJsonAsync(context.ProblemDetails, (JsonSerializerOptions?)null, "application/problem+json");
    }

    public static WebApplication MapPortalApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", o => o
            .WithTitle("Portal API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        // Unknown API routes are answered as problem+json by the status-code page above (no fallback endpoint here:
        // it would also catch requests that a real route refused for their content type, which must stay 415).
        return app;
    }
}
