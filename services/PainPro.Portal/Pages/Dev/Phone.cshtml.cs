using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PainPro.Phones;
using PainPro.Portal.Clients;
using PainPro.Portal.DevPhone;
using PainPro.Portal.Web;
using PainPro.ServiceDefaults;

namespace PainPro.Portal.Pages.Dev;

/// <summary>Dev only: a patient's phone, to read the texts PainPro sent and answer them through the real webhook.</summary>
public sealed class PhoneModel(PhoneSimulator phone, IOptions<PainProOptions> options, DisplayTime time) : PortalPageModel
{
    public const int MaxReplyLength = 1600;

    [BindProperty(SupportsGet = true)] public string? Number { get; set; }
    [BindProperty] public string? Reply { get; set; }

    public IReadOnlyList<PhoneMessage> Messages { get; private set; } = [];
    public DisplayTime Time => time;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!options.Value.Dev.Enabled) return NotFound();
        if (PhoneNumber.TryParse(Number, out var number))
        {
            Number = number.E164;
            await LoadAsync(ct);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!options.Value.Dev.Enabled) return NotFound();
        if (PhoneNumber.TryParse(Number, out var number)) Number = number.E164;
        else ModelState.AddModelError(nameof(Number), "Give the number with '+' and its country code, e.g. +15551230001.");
        if (string.IsNullOrWhiteSpace(Reply)) ModelState.AddModelError(nameof(Reply), "Type the reply.");
        else if (Reply.Length > MaxReplyLength) ModelState.AddModelError(nameof(Reply), $"Keep it to {MaxReplyLength} characters.");
        if (!ModelState.IsValid)
        {
            if (number is not null) await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        try
        {
            await phone.ReplyAsync(Number!, Reply!, ct);
        }
        catch (ServiceApiException ex)
        {
            ServiceProblem = ex.Message;
            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status502BadGateway;
            return Page();
        }
        return RedirectToPage(new { number = Number! });
    }

    private Task LoadAsync(CancellationToken ct) =>
        TryLoadAsync(async () => Messages = await phone.ConversationAsync(Number!, ct));
}
