using PainPro.Portal.Dashboard;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Dashboard;

/// <summary>The manager dashboard for one procedure type and date range.</summary>
public sealed class IndexModel(DashboardLoader loader, DisplayTime time) : DashboardFilterModel(time)
{
    public DashboardReport? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = ReadFilter();
        if (filter is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        await TryLoadAsync(async () => Report = await loader.LoadAsync(filter, View, ct));
    }
}
