using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages;

/// <summary>
/// The Portal's error page: what a person sees instead of raw problem details when a page answers 4xx or 5xx without
/// a body — an alert or patient that does not exist, a mistyped address (<see cref="PortalErrorPages"/>).
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)] public int Code { get; set; }

    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";
    public bool ShowPatientSearch { get; private set; }

    // Re-executed requests keep their method: a POST to a missing alert lands here as a POST.
    public void OnGet() => Describe();

    public void OnPost() => Describe();

    private void Describe()
    {
        if (Code is < 400 or > 599) Code = StatusCodes.Status404NotFound;
        Response.StatusCode = Code;
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath ?? "";
        (Title, Explanation) = Code switch
        {
            StatusCodes.Status404NotFound when original.StartsWith("/alerts/", StringComparison.OrdinalIgnoreCase) =>
                ("Alert not found", "There is no alert at this address. The link may be mistyped or cut short; open the alert from the worklist."),
            StatusCodes.Status404NotFound when original.StartsWith("/patients/", StringComparison.OrdinalIgnoreCase) =>
                ("Patient not found", "There is no patient at this address. The link may be mistyped or cut short; search for the patient by MRN or name."),
            StatusCodes.Status404NotFound => ("Page not found", "There is no page at this address. Check the address, or start again from the worklist."),
            StatusCodes.Status400BadRequest => ("Request not understood", "The page could not read what was sent. Go back, reload the page and try again."),
            StatusCodes.Status405MethodNotAllowed => ("Not possible here", "This page cannot do that. Go back and use the page's own buttons."),
            >= 500 => ("Something went wrong", "PainPro could not finish this request. Try again in a moment; if it keeps happening, tell your administrator."),
            _ => ("Request refused", "PainPro could not do this. Go back and try again."),
        };
        ShowPatientSearch = original.StartsWith("/patients/", StringComparison.OrdinalIgnoreCase);
    }
}
