using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Web;

namespace PainPro.Portal.Dashboard;

/// <summary>The dashboard pages' shared query string: <c>?procedureType=&amp;from=&amp;to=</c> (dates as yyyy-MM-dd).</summary>
public abstract class DashboardFilterModel(DisplayTime time) : PortalPageModel
{
    [BindProperty(SupportsGet = true)] public string? ProcedureType { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    /// <summary><c>month</c> (default) or <c>quarter</c>.</summary>
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }
    /// <summary>The follow-up timepoint the funnel plots compare (default month 1).</summary>
    [BindProperty(SupportsGet = true)] public string? Timepoint { get; set; }

    /// <summary>The layout asked for; anything unknown falls back to the default rather than failing the page.</summary>
    public DashboardView View => new(
        Period == "quarter" ? "quarter" : "month",
        DashboardTrends.FollowUps.Contains(Timepoint) ? Timepoint! : DashboardView.Default.FunnelTimepoint);

    /// <summary>The filter in force, or null with the problems in ModelState.</summary>
    protected ReportFilter? ReadFilter()
    {
        // No dates given at all: the last twelve months, long enough for month-3 outcomes to show.
        if (!Request.Query.ContainsKey("from") && !Request.Query.ContainsKey("to"))
        {
            To = time.Today;
            From = To.Value.AddYears(-1);
        }
        if (!string.IsNullOrEmpty(ProcedureType) && !ProcedureNames.All.Contains(ProcedureType))
            ModelState.AddModelError(nameof(ProcedureType), "Choose a procedure type from the list.");
        if (From is { } from && To is { } to && from > to)
            ModelState.AddModelError(nameof(From), "The start date must not be after the end date.");
        return ModelState.IsValid ? new ReportFilter(string.IsNullOrEmpty(ProcedureType) ? null : ProcedureType, From, To) : null;
    }

    public object RouteValues => new
    {
        procedureType = ProcedureType, from = From?.ToString("yyyy-MM-dd"), to = To?.ToString("yyyy-MM-dd"),
        period = View.Period == "month" ? null : View.Period, timepoint = View.FunnelTimepoint == DashboardView.Default.FunnelTimepoint ? null : View.FunnelTimepoint,
    };
}
