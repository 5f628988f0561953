using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace PainPro.Testing.Browser;

/// <summary>One accessibility rule a page breaks, as axe-core reports it, with the elements that break it.</summary>
public sealed record AxeViolation(string Id, string? Impact, string Help, IReadOnlyList<string> Nodes)
{
    public override string ToString() => $"{Id} ({Impact}): {Help} — {string.Join("; ", Nodes)}";
}

/// <summary>
/// axe-core (tests/run.sh installs it into tests/.tools) run inside a page. The script is evaluated through the
/// DevTools protocol, so it runs under the page's own Content-Security-Policy without loosening it.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Environment.GetEnvironmentVariable("PAINPRO_AXE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(TestInfrastructure.RepositoryRoot, "tests", ".tools", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"axe-core is not installed at {path}. Run tests/run.sh once: it installs it into tests/.tools.", path);
    });

    /// <summary>Every WCAG 2.x A/AA rule and axe's best practices the page breaks.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> RunAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.EvaluateAsync(Source.Value + "\n;undefined");
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'],
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
              return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\s+/g, ' ') : '')) }));
            }
            """);
        return [.. violations.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!, v.GetProperty("impact").GetString(), v.GetProperty("help").GetString()!,
            [.. v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!)]))];
    }

    /// <summary>Fails the test, naming every rule and element, unless axe finds nothing on the page.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, string what)
    {
        var violations = await RunAsync(page);
        Assert.True(violations.Count == 0, $"axe-core found {violations.Count} accessibility violation(s) on {what}:\n{string.Join("\n", violations)}");
    }
}
