using Microsoft.Playwright;

namespace PainPro.Testing.Browser;

/// <summary>Where the browser tests leave their screenshots: tests/.artifacts/screenshots/, one PNG per named view.</summary>
public static class Screenshots
{
    public static readonly string Directory = Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".artifacts", "screenshots");

    /// <summary>A phone of 360 × 740 CSS pixels (the smallest common Android size), touch, at twice the pixels.</summary>
    public static BrowserNewContextOptions Phone(string? locale = null) => new()
    {
        ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2, Locale = locale,
    };

    public static async Task<string> TakeAsync(IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }
}
