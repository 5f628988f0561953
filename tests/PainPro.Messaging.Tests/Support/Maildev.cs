using System.Text.Json.Nodes;
using PainPro.Testing;

namespace PainPro.Messaging.Tests.Support;

/// <summary>Reads what the test SMTP server (maildev, started by tests/run.sh) received, through its HTTP API.</summary>
public static class Maildev
{
    private static readonly HttpClient Http = new() { BaseAddress = new Uri(TestInfrastructure.MaildevApi), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A recipient address no other test uses, so tests never need to clear the shared mailbox.</summary>
    public static string UniqueAddress(string name = "patient") => $"{name}-{Guid.NewGuid():N}@example.org";

    public static async Task<IReadOnlyList<JsonObject>> EmailsToAsync(string address)
    {
        var all = JsonNode.Parse(await Http.GetStringAsync("/email"))!.AsArray();
        return all.Select(e => e!.AsObject())
            .Where(e => e["to"]!.AsArray().Any(t => string.Equals(t!["address"]!.GetValue<string>(), address, StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    public static Task<IReadOnlyList<JsonObject>> WaitForEmailsToAsync(string address, int count = 1, TimeSpan? timeout = null) =>
        Eventually.GetAsync(() => EmailsToAsync(address), mails => mails.Count >= count, $"{count} email(s) to {address} in maildev", timeout);
}
