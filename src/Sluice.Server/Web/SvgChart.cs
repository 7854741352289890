using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Sluice.Server.Web;

/// <summary>
/// Server-rendered SVG charts, no script: a per-minute bar chart over 24 hours, a scatter of load durations, and horizontal bars
/// of deliveries per hook. Each chart has a title and a description for screen readers (<c>role="img"</c>,
/// <c>aria-labelledby</c>), axis labels with units, a <c>&lt;title&gt;</c> tooltip on every mark, and <c>data-*</c> attributes
/// saying what each mark stands for; the pages put a table of the same figures next to it.
/// </summary>
public static class SvgChart
{
    private const int Width = 560;
    private const int Height = 200;
    private const int Left = 58;
    private const int Right = 16;
    private const int Top = 12;
    private const int Bottom = 38;
    private const int PlotWidth = Width - Left - Right;
    private const int PlotHeight = Height - Top - Bottom;

    /// <summary>Bars of a per-minute series starting at <paramref name="start"/>; <paramref name="unit"/> names one count ("events").</summary>
    public static HtmlString PerMinute(string id, string title, IReadOnlyList<long> series, DateTimeOffset start, string unit)
    {
        ArgumentNullException.ThrowIfNull(series);
        var max = Math.Max(1, series.Count == 0 ? 0 : series.Max());
        var total = series.Sum();
        var peak = IndexOfMax(series);
        var description = total == 0
            ? $"No {unit} in the last 24 hours."
            : $"{Count(total)} {unit} in the last 24 hours; the busiest minute, {Minute(start, peak)} UTC, had {Count(series[peak])}.";
        var svg = Open(id, title, description);
        YAxis(svg, max, $"{unit} per minute");
        TimeAxis(svg, start, series.Count, "time (UTC), last 24 hours, one bar a minute");
        var step = (double)PlotWidth / Math.Max(1, series.Count);
        svg.Append("<g class=\"marks\">");
        for (var i = 0; i < series.Count; i++)
        {
            if (series[i] == 0)
            {
                continue;
            }

            var h = Math.Max(1.0, PlotHeight * (double)series[i] / max);
            var x = Left + (i * step);
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{F(x)}\" y=\"{F(Top + PlotHeight - h)}\" width=\"{F(Math.Max(step, 2))}\" height=\"{F(h)}\" data-minute=\"{Iso(start.AddMinutes(i))}\" data-value=\"{series[i]}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<title>{Minute(start, i)} UTC: {Count(series[i])} {Encode(unit)}</title></rect>");
        }

        svg.Append("</g></svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>A dot per load at its commit time, its height the load's duration.</summary>
    public static HtmlString Durations(string id, string title, IReadOnlyList<LoadPoint> loads, DateTimeOffset start, int minutes)
    {
        ArgumentNullException.ThrowIfNull(loads);
        var maxMs = Math.Max(1, loads.Count == 0 ? 0 : loads.Max(l => l.DurationMs));
        var seconds = maxMs >= 2000;
        var description = loads.Count == 0
            ? "No loads in the last 24 hours."
            : string.Create(CultureInfo.InvariantCulture, $"{Count(loads.Count)} loads in the last 24 hours; median {Duration(Median(loads))}, longest {Duration(maxMs)}.");
        var svg = Open(id, title, description);
        YAxis(svg, maxMs, seconds ? "load duration (s)" : "load duration (ms)", seconds ? v => (v / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) : null);
        TimeAxis(svg, start, minutes, "time (UTC) the load committed, last 24 hours");
        svg.Append("<g class=\"marks\">");
        foreach (var load in loads)
        {
            var x = Left + (PlotWidth * (load.At - start).TotalMinutes / minutes);
            var y = Top + PlotHeight - (PlotHeight * (double)load.DurationMs / maxMs);
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"dot\" cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"3.5\" data-at=\"{Iso(load.At)}\" data-value=\"{load.DurationMs}\" data-rows=\"{load.Rows}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<title>{load.At.UtcDateTime:HH:mm:ss} UTC: {Duration(load.DurationMs)}, {Count(load.Rows)} rows</title></circle>");
        }

        svg.Append("</g></svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>One bar per hook: succeeded, failed and pending deliveries side by side, as shares of its deliveries.</summary>
    public static HtmlString Deliveries(string id, string title, IReadOnlyList<HookDeliveries> hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        const int row = 30;
        var height = Top + (row * Math.Max(1, hooks.Count)) + 24;
        var total = hooks.Sum(h => h.Total);
        var description = total == 0
            ? "No deliveries in the last 24 hours."
            : string.Join("; ", hooks.Select(h => $"hook {h.HookId}: {Count(h.Succeeded)} of {Count(h.Total)} delivered, {Count(h.Failed)} failed, {Count(h.Pending)} pending")) + ".";
        var svg = Open(id, title, description, height);
        const int barLeft = 150;
        const int barWidth = Width - barLeft - 100;
        for (var i = 0; i < hooks.Count; i++)
        {
            var h = hooks[i];
            var y = Top + (i * row);
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{barLeft - 8}\" y=\"{y + 17}\" text-anchor=\"end\">{Encode(Shorten(h.Url, 22))}</text>");
            var x = (double)barLeft;
            foreach (var (kind, count) in new[] { ("succeeded", h.Succeeded), ("failed", h.Failed), ("pending", h.Pending) })
            {
                if (count == 0)
                {
                    continue;
                }

                var w = barWidth * (double)count / h.Total;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"share share-{kind}\" x=\"{F(x)}\" y=\"{y + 4}\" width=\"{F(w)}\" height=\"18\" data-hook-id=\"{h.HookId}\" data-kind=\"{kind}\" data-value=\"{count}\">");
                svg.Append(CultureInfo.InvariantCulture, $"<title>{Encode(h.Url)}: {Count(count)} {kind}</title></rect>");
                x += w;
            }

            var rate = h.Total == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * h.Succeeded / h.Total:0.#}% ok");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{barLeft + barWidth + 8}\" y=\"{y + 17}\">{rate} of {Count(h.Total)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" x=\"{barLeft}\" y=\"{height - 6}\">share of each hook's deliveries (last 24 h): delivered, failed, pending</text>");
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static StringBuilder Open(string id, string title, string description, int height = Height)
    {
        var svg = new StringBuilder(4096);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" preserveAspectRatio=\"xMidYMid meet\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Encode(title)}</title><desc id=\"{id}-desc\">{Encode(description)}</desc>");
        return svg;
    }

    private static void YAxis(StringBuilder svg, long max, string label, Func<long, string>? format = null)
    {
        format ??= v => Count(v);
        foreach (var value in new[] { 0, max / 2, max })
        {
            var y = Top + PlotHeight - (PlotHeight * (double)value / max);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{format(value)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" transform=\"rotate(-90)\" x=\"{-(Top + (PlotHeight / 2))}\" y=\"12\" text-anchor=\"middle\">{Encode(label)}</text>");
    }

    private static void TimeAxis(StringBuilder svg, DateTimeOffset start, int minutes, string label)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{Top + PlotHeight}\" y2=\"{Top + PlotHeight}\"/>");
        for (var m = 0; m <= minutes; m += 240)
        {
            var x = Left + (PlotWidth * (double)m / minutes);
            var anchor = m == 0 ? "start" : m + 240 > minutes ? "end" : "middle";
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{F(x)}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"{anchor}\">{start.AddMinutes(m).UtcDateTime:HH:mm}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" x=\"{Left + (PlotWidth / 2)}\" y=\"{Height - 4}\" text-anchor=\"middle\">{Encode(label)}</text>");
    }

    private static int IndexOfMax(IReadOnlyList<long> series)
    {
        var at = 0;
        for (var i = 1; i < series.Count; i++)
        {
            if (series[i] > series[at])
            {
                at = i;
            }
        }

        return at;
    }

    private static long Median(IReadOnlyList<LoadPoint> loads)
    {
        var sorted = loads.Select(l => l.DurationMs).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    public static string Duration(long ms) =>
        ms >= 2000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.#} s") : string.Create(CultureInfo.InvariantCulture, $"{ms} ms");

    private static string Minute(DateTimeOffset start, int index) => start.AddMinutes(index).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Count(long value) => WebFormat.Count(value);

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
