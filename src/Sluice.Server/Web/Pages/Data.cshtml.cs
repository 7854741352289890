using Microsoft.AspNetCore.Mvc;
using Sluice.Core.Loading;

namespace Sluice.Server.Web.Pages;

/// <summary>The account's tables and columns, and a preview of the newest rows of one (named as <c>schema.table</c>).</summary>
public sealed class DataModel(DataBrowser data) : WebPage
{
    /// <summary><c>schema.table</c>; only a table the destination's catalogue lists is ever queried.</summary>
    [FromQuery(Name = "table")]
    public string? Table { get; set; }

    public int PreviewRows => DataBrowser.PreviewRows;

    public IReadOnlyList<TableInfo> Tables { get; private set; } = [];

    public TableInfo? Selected { get; private set; }

    public QueryResult? Preview { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var tables = await data.ListTablesAsync(ClientId, null, cancellationToken);
        Tables = tables.Value ?? [];
        Error = tables.Error;
        if (Table is null)
        {
            return Page();
        }

        Selected = Tables.FirstOrDefault(t => t.FullName == Table);
        if (Selected is null)
        {
            return NotFound();
        }

        var preview = await data.PreviewAsync(ClientId, Selected, cancellationToken);
        Preview = preview.Value;
        Error ??= preview.Error;
        return Page();
    }
}
