using Microsoft.AspNetCore.Mvc;
using PainPro.Portal.Accounts;
using PainPro.Portal.Web;

namespace PainPro.Portal.Pages.Admin;

/// <summary>Staff accounts: create, set a password, change role, disable or enable, unlock. Admins only.</summary>
public sealed class AccountsModel(AccountStore accounts, DisplayTime time) : PortalPageModel
{
    [BindProperty] public string? NewUserName { get; set; }
    [BindProperty] public string? NewDisplayName { get; set; }
    [BindProperty] public string? NewRole { get; set; }
    [BindProperty] public string? NewPassword { get; set; }

    [BindProperty] public Guid AccountId { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public string? Password { get; set; }

    public IReadOnlyList<StaffAccount> Accounts { get; private set; } = [];
    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];
    public DisplayTime Time => time;

    /// <summary>Which account's form failed, so its error shows next to it.</summary>
    public Guid? FailedAccount { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var change = await accounts.CreateAsync(
            new NewStaffAccount(NewUserName ?? "", NewDisplayName ?? "", NewRole ?? "", NewPassword ?? ""), CurrentUser, ct);
        NewPassword = null;
        return await DoneAsync(change, "New" , $"Account {StaffRoles.NormalizeUserName(NewUserName ?? "")} created.", ct);
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        var change = await accounts.SetPasswordAsync(AccountId, Password ?? "", CurrentUser, ct);
        Password = null;
        return await DoneAsync(change, "", "Password set. The account's open sessions have ended.", ct);
    }

    public async Task<IActionResult> OnPostRoleAsync(CancellationToken ct) =>
        await DoneAsync(await accounts.SetRoleAsync(AccountId, Role ?? "", CurrentUser, ct), "", "Role changed.", ct);

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct) =>
        await DoneAsync(await accounts.SetDisabledAsync(AccountId, true, CurrentUser, ct), "", "Account disabled.", ct);

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken ct) =>
        await DoneAsync(await accounts.SetDisabledAsync(AccountId, false, CurrentUser, ct), "", "Account enabled.", ct);

    public async Task<IActionResult> OnPostUnlockAsync(CancellationToken ct) =>
        await DoneAsync(await accounts.UnlockAsync(AccountId, CurrentUser, ct), "", "Account unlocked.", ct);

    private async Task<IActionResult> DoneAsync(AccountChange change, string prefix, string message, CancellationToken ct)
    {
        if (change.Succeeded)
        {
            Confirmation = message;
            return RedirectToPage();
        }
        foreach (var (field, problem) in change.Problems)
            ModelState.AddModelError(prefix + field, problem);
        if (prefix.Length == 0) FailedAccount = AccountId;
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Accounts = await accounts.ListAsync(ct);
        Audit = await accounts.RecentAuditAsync(50, ct);
    }
}
