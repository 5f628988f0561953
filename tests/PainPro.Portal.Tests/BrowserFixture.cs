using Microsoft.Playwright;
using PainPro.Testing;
using PainPro.Testing.Browser;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>One whole system and one system Chromium for all the Portal's browser tests: starting them is the slow part.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly string Screenshots = Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts", "screenshots");

    private IPlaywright playwright = null!;

    public PortalSystem System { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System = await PortalSystem.StartAsync(settings: new Dictionary<string, string?> { ["PainPro:Portal:WorklistRefresh"] = "00:00:02" });
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = TestInfrastructure.Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>The sizes the screenshots are taken at: a laptop, and a phone of 390 × 844 CSS pixels (an iPhone 12–15).</summary>
    public const int DesktopWidth = 1366, DesktopHeight = 900, PhoneWidth = 390, PhoneHeight = 844;

    /// <summary>A fresh browser context (no cookies) with a desktop or phone-sized window (<paramref name="phoneWidth"/> for a narrower phone).</summary>
    public async Task<IPage> NewPageAsync(bool phone = false, int phoneWidth = PhoneWidth)
    {
        var context = await Browser.NewContextAsync(phone
            ? new() { ViewportSize = new() { Width = phoneWidth, Height = PhoneHeight }, IsMobile = true, HasTouch = true, AcceptDownloads = true }
            : new() { ViewportSize = new() { Width = DesktopWidth, Height = DesktopHeight }, AcceptDownloads = true });
        return await context.NewPageAsync();
    }

    public async Task<IPage> SignInAsync(string userName, bool phone = false, int phoneWidth = PhoneWidth)
    {
        var page = await NewPageAsync(phone, phoneWidth);
        await page.GotoAsync($"{System.BaseUrl}/login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(PortalSystem.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync($"{System.BaseUrl}/");
        return page;
    }

    /// <summary>axe-core and a screenshot at desktop size, then the same at phone size (signed in as <paramref name="user"/>).</summary>
    public async Task CheckAndPhotographAsync(string user, string path, string name, Func<IPage, Task>? ready = null)
    {
        foreach (var phone in new[] { false, true })
        {
            var page = await SignInAsync(user, phone);
            await page.GotoAsync(System.BaseUrl + path);
            if (ready is not null) await ready(page);
            await Axe.AssertNoViolationsAsync(page, $"{path} at {(phone ? "phone" : "desktop")} size");
            if (phone)
                Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{path}: no sideways scrolling at 390 px");
            await ScreenshotAsync(page, $"{name}-{(phone ? "phone" : "desktop")}");
            await page.Context.CloseAsync();
        }
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        await System.DisposeAsync();
    }
}
