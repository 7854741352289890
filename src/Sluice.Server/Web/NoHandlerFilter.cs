using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Sluice.Server.Web;

/// <summary>
/// A request no handler of the page answers (a POST to a page that only shows, or <c>?handler=</c> naming none) gets 405
/// with the methods the page takes, instead of Razor Pages' default of rendering the page without running any handler,
/// which answered 200 with an empty page or 500 where the page needs its GET handler's data.
/// </summary>
internal sealed class NoHandlerFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var method = context.HttpContext.Request.Method;
        if (context.HandlerMethod is not null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return next();
        }

        var allowed = context.ActionDescriptor.HandlerMethods
            .Select(h => h.HttpMethod.ToUpperInvariant())
            .Append("GET")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        context.HttpContext.Response.Headers.Allow = string.Join(", ", allowed);
        context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
        return Task.CompletedTask;
    }
}
