using System.Reflection;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.Abstractions;

namespace Sluice.Server.Web;

public static class WebAppExtensions
{
    /// <summary>The sign-in cookie's authentication scheme (the API keeps its bearer tokens).</summary>
    public const string CookieScheme = "SluiceWeb";

    /// <summary>Every page but sign-in needs a signed-in user of the cookie scheme.</summary>
    public const string PolicyName = "SluiceWebUser";

    private const string StylesheetResource = "Sluice.Server.Web.site.css";

    /// <summary>The tab icon: a sluice gate over water, one colour on the bar's navy.</summary>
    private const string Favicon =
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#14243f"/><rect x="7" y="5" width="18" height="12" rx="1.5" fill="#f2b300"/><path d="M4 22c3 0 3-2 6-2s3 2 6 2 3-2 6-2 3 2 6 2M4 27c3 0 3-2 6-2s3 2 6 2 3-2 6-2 3 2 6 2" fill="none" stroke="#dbe6ff" stroke-width="2.2" stroke-linecap="round"/></svg>
        """;

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
        builder.Services.AddSingleton<ActivityService>();
        builder.Services.AddSingleton<RecentEvents>();
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
        }).AllowAnonymous().ExcludeFromDescription();
        foreach (var path in new[] { "/favicon.svg", "/favicon.ico" })
        {
            app.MapGet(path, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=86400";
                return TypedResults.Text(Favicon, "image/svg+xml");
            }).AllowAnonymous().ExcludeFromDescription();
        }

        // Only pages get an HTML error page and browser hardening headers; the API and ingest keep their own answers.
        app.UseWhen(
            http => http.GetEndpoint()?.Metadata.GetMetadata<ActionDescriptor>() is not null || IsBrowserPageRequest(http),
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

    /// <summary>
    /// A browser's GET of an address no endpoint has (a mistyped page): it gets the error page too. API clients and providers
    /// (no <c>text/html</c> in Accept) keep the empty 404.
    /// </summary>
    private static bool IsBrowserPageRequest(HttpContext http) =>
        http.GetEndpoint() is null
        && HttpMethods.IsGet(http.Request.Method)
        && http.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>
    /// An empty error of a page (404 for an unknown id or another account's id) becomes a readable page with the same top bar
    /// as every page (the navigation, when signed in); the status code stays.
    /// </summary>
    private static async Task WriteStatusPageAsync(StatusCodeContext context)
    {
        var code = context.HttpContext.Response.StatusCode;
        var (title, text) = code switch
        {
            StatusCodes.Status404NotFound => ("Not found", "There is nothing here, or it belongs to another account."),
            StatusCodes.Status405MethodNotAllowed => ("Not allowed", "This page has no form that takes this request; open it and use its buttons."),
            _ => ("Something went wrong", $"The request could not be completed (HTTP {code})."),
        };
        var header = await WebHeader.RenderAsync(context.HttpContext, null);
        context.HttpContext.Response.ContentType = "text/html; charset=utf-8";
        await context.HttpContext.Response.WriteAsync(
            $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}} · Sluice</title><link rel="stylesheet" href="/web/site.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head>
            <body><a class="skip" href="#main">Skip to content</a>{{header}}
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
