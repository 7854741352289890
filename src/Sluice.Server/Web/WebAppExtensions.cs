using System.Reflection;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Sluice.Server.Accounts;

namespace Sluice.Server.Web;

public static class WebAppExtensions
{
    /// <summary>The sign-in cookie's authentication scheme (the API keeps its bearer tokens).</summary>
    public const string CookieScheme = "SluiceWeb";

    /// <summary>Every page but sign-in needs a signed-in user of the cookie scheme.</summary>
    public const string PolicyName = "SluiceWebUser";

    private const string StylesheetResource = "Sluice.Server.Web.site.css";

    /// <summary>
    /// The server-rendered web app (Razor Pages under <c>Web/Pages</c>): cookie sign-in (HttpOnly, SameSite=Lax, Secure over
    /// HTTPS), anti-forgery on every form (Razor Pages validate it on every POST), and the pages' helpers.
    /// </summary>
    public static WebApplicationBuilder AddWebApp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Web/Pages";
                o.Conventions.AuthorizeFolder("/", PolicyName);
                o.Conventions.AllowAnonymousToPage("/SignIn");
            })
            .AddMvcOptions(o => o.Filters.Add(new NoHandlerFilter()))
            .AddApplicationPart(typeof(WebAppExtensions).Assembly);

        builder.Services.AddAuthentication()
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "sluice_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/signin";
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                o.Events = new CookieAuthenticationEvents { OnValidatePrincipal = WebSession.ValidateAsync };
            });
        builder.Services.AddAuthorization(o => o.AddPolicy(PolicyName, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser()));
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "sluice_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__sluice_af";
        });
        builder.Services.AddSingleton<DataBrowser>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<DeliveryPolicyText>();
        return builder;
    }

    /// <summary>The pages, and their one stylesheet at <c>/web/site.css</c>.</summary>
    public static WebApplication MapWebApp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var css = ReadStylesheet();
        app.MapGet("/web/site.css", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return TypedResults.Text(css, "text/css; charset=utf-8");
        }).AllowAnonymous();

        // Only pages get an HTML error page and browser hardening headers; the API and ingest keep their own answers.
        app.UseWhen(
            http => http.GetEndpoint()?.Metadata.GetMetadata<ActionDescriptor>() is not null,
            web => web
                .Use((http, next) =>
                {
                    http.Response.Headers.XFrameOptions = "DENY";
                    http.Response.Headers.XContentTypeOptions = "nosniff";
                    http.Response.Headers["Referrer-Policy"] = "same-origin";
                    return next(http);
                })
                .UseStatusCodePages(WriteStatusPageAsync));
        app.MapRazorPages();
        return app;
    }

    /// <summary>An empty error of a page (404 for an unknown id or another account's id) becomes a readable page; the status code stays.</summary>
    private static Task WriteStatusPageAsync(StatusCodeContext context)
    {
        var code = context.HttpContext.Response.StatusCode;
        var (title, text) = code switch
        {
            StatusCodes.Status404NotFound => ("Not found", "There is nothing here, or it belongs to another account."),
            StatusCodes.Status405MethodNotAllowed => ("Not allowed", "This page has no form that takes this request; open it and use its buttons."),
            _ => ("Something went wrong", $"The request could not be completed (HTTP {code})."),
        };
        context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
        return context.HttpContext.Response.WriteAsync(
            $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}} · Sluice</title><link rel="stylesheet" href="/web/site.css"></head>
            <body><header class="top"><div class="bar"><a class="brand" href="/">Sluice</a></div></header>
            <main id="main"><div class="card"><h1>{{title}}</h1><p>{{text}}</p><p><a href="/">Back to the dashboard</a></p></div></main></body></html>
            """,
            context.HttpContext.RequestAborted);
    }

    private static string ReadStylesheet()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(StylesheetResource)
            ?? throw new InvalidOperationException($"The embedded stylesheet {StylesheetResource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
