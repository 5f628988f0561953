using System.Text;
using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Clients;
using PainPro.Portal.Dashboard;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Dashboard;

/// <summary>One dashboard table as CSV, for the same filter the dashboard shows.</summary>
/// <remarks>
/// <c>extract</c> is the de-identified patient-level extract: one line per enrollment, pseudonymous (Ingestion makes it
/// and audits the download).
/// </remarks>
public sealed class ExportModel(DashboardLoader loader, IngestionClient ingestion, DisplayTime time) : DashboardFilterModel(time)
{
    [BindProperty(SupportsGet = true)] public string Table { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var filter = ReadFilter();
        if (filter is null)
            return new BadRequestObjectResult(new ValidationProblemDetails(ModelState) { Title = "The filter is not valid." });
        var stamp = $"{filter.ProcedureType ?? "all"}-{filter.FromParameter ?? "start"}-{filter.ToParameter ?? "now"}";
        DashboardReport report;
        try
        {
            if (Table == "extract")
                return File(await ingestion.ExtractAsync(filter, ct), "text/csv; charset=utf-8", $"painpro-deidentified-{stamp}.csv");
            // The trends tables list every group period by period, which the page itself does not draw.
            report = await loader.LoadAsync(filter, View with { GroupsByPeriod = true }, ct);
        }
        catch (ServiceApiException ex)
        {
            return new ObjectResult(new ProblemDetails { Title = "A service did not answer", Detail = ex.Message, Status = StatusCodes.Status502BadGateway })
            { StatusCode = StatusCodes.Status502BadGateway };
        }
        var table = report.Tables.FirstOrDefault(t => t.Name == Table);
        if (table is null) return NotFound();

        var name = $"painpro-{table.Name}-{stamp}.csv";
        return File(Encoding.UTF8.GetBytes(table.ToCsv()), "text/csv; charset=utf-8", name);
    }
}
