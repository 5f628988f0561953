using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults.Auth;

/// <summary>
/// The secrets in force from configuration: integration API key hashes and the Twilio auth token (keys issued at the
/// Portal live in the database, see <see cref="IssuedApiKeys"/>). With dev mode on and nothing
/// configured, a dev API key and Twilio token are generated once and kept in the data directory, so a
/// newcomer's AllInOne keeps the same ones across restarts.
/// </summary>
public sealed class Credentials
{
    private readonly Dictionary<string, string> apiKeyHashes; // hash -> name

    public Credentials(IOptions<PainProOptions> options)
    {
        var o = options.Value;
        apiKeyHashes = o.Auth.ApiKeys
            .Where(k => !string.IsNullOrWhiteSpace(k.Sha256))
            .ToDictionary(k => k.Sha256.Trim().ToLowerInvariant(), k => string.IsNullOrWhiteSpace(k.Name) ? "integration" : k.Name);

        TwilioAuthToken = o.Twilio.AuthToken;
        if (o.Dev.Enabled)
        {
            var generated = LoadOrCreateDevSecrets(o.DataDirectory);
            DevApiKey = string.IsNullOrWhiteSpace(o.Dev.ApiKey) ? generated.ApiKey : o.Dev.ApiKey;
            TwilioAuthToken ??= generated.TwilioAuthToken;
            apiKeyHashes[PainProAuth.Sha256Hex(DevApiKey)] = "dev";
        }
    }

    public string? DevApiKey { get; }

    /// <summary>Null when no token is configured: every Twilio webhook is then refused.</summary>
    public string? TwilioAuthToken { get; }

    /// <summary>The configured key's client name, or null when the key is not configured. Compares hashes, never keys.</summary>
    public string? FindApiKey(string presented) => FindApiKeyHash(PainProAuth.Sha256Hex(presented.Trim()));

    internal string? FindApiKeyHash(string hash)
    {
        foreach (var (known, name) in apiKeyHashes)
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(known), Encoding.ASCII.GetBytes(hash)))
                return name;
        return null;
    }

    private sealed record DevSecrets(string ApiKey, string TwilioAuthToken);

    private static DevSecrets LoadOrCreateDevSecrets(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "dev-credentials.json");
        try
        {
            if (File.Exists(file) && JsonSerializer.Deserialize<DevSecrets>(File.ReadAllText(file)) is { } existing)
                return existing;
        }
        catch (JsonException) { /* unreadable: make new ones */ }

        var secrets = new DevSecrets("dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        try
        {
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(file, JsonSerializer.Serialize(secrets));
        }
        catch (IOException) { /* read-only disk: the secrets last for this run only */ }
        catch (UnauthorizedAccessException) { }
        return secrets;
    }
}
