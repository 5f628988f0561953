using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.ApiKeys;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Admin;

/// <summary>Integration API keys: issued here, shown once, stored hashed, revocable. Admins only.</summary>
public sealed class ApiKeysModel(ApiKeyStore keys, DisplayTime time) : PortalPageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public Guid KeyId { get; set; }

    public IReadOnlyList<IssuedApiKey> Keys { get; private set; } = [];

    /// <summary>The key just issued: rendered in this one response and never again (it is not stored).</summary>
    public NewApiKey? Issued { get; private set; }
    public DisplayTime Time => time;

    public async Task OnGetAsync(CancellationToken ct) => Keys = await keys.ListAsync(ct);

    public async Task<IActionResult> OnPostIssueAsync(CancellationToken ct)
    {
        if (ApiKeyStore.NameProblem(Name) is { } problem)
        {
            ModelState.AddModelError(nameof(Name), problem);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            // No redirect here: the key must not travel in a URL or TempData cookie, so it is shown in this response only.
            Issued = await keys.IssueAsync(Name!, CurrentUser, ct);
            Name = null;
        }
        Keys = await keys.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        Confirmation = await keys.RevokeAsync(KeyId, CurrentUser, ct)
            ? "Key revoked. Every service refuses it within seconds."
            : "That key was already revoked.";
        return RedirectToPage();
    }
}
