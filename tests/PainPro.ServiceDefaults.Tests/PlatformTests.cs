using Microsoft.Extensions.Options;
using PainPro.ServiceDefaults.Auth;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Dev;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PainPro.ServiceDefaults.Twilio;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

public class TwilioSignatureTests
{
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static Dictionary<string, string> Params(string caller) => new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = caller,
        ["Digits"] = "1234",
        ["From"] = caller,
        ["To"] = "+18005551212",
    };

    [Theory]
    [InlineData("+12349013030", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")]
    [InlineData("+14158675309", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    public void Twilio_documented_vectors_validate(string caller, string signature)
    {
        Assert.Equal(signature, TwilioSignature.Compute("12345", Url, Params(caller)));
        Assert.True(TwilioSignature.IsValid("12345", Url, Params(caller), signature));
    }

    [Theory]
    [InlineData("Digits", "1235")]
    [InlineData("To", "+18005551213")]
    [InlineData("Extra", "added")]
    public void An_altered_or_added_parameter_fails_validation(string name, string value)
    {
        var altered = Params("+12349013030");
        altered[name] = value;
        Assert.False(TwilioSignature.IsValid("12345", Url, altered, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }
    [Fact]
    public void The_webhook_validates_the_documented_request_against_the_configured_public_url()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");

        Assert.True(TwilioRequestValidator.IsValid(request, form, "12345", "https://mycompany.com/"));
        Assert.False(TwilioRequestValidator.IsValid(request, form, "12345", "https://other.example.com"));
        Assert.False(TwilioRequestValidator.IsValid(request, form, "54321", "https://mycompany.com"));
    }

    [Fact]
    public void Behind_a_proxy_the_url_rebuilt_from_forwarded_headers_is_accepted()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        request.Headers["X-Forwarded-Proto"] = "https";
        request.Headers["X-Forwarded-Host"] = "mycompany.com";

        Assert.True(TwilioRequestValidator.IsValid(request, form, "12345", "http://10.0.0.7:8080"));
        Assert.Contains("https://mycompany.com/myapp.php?foo=1&bar=2", TwilioRequestValidator.SignedUrls(request, "http://10.0.0.7:8080"));
    }

    [Fact]
    public void A_missing_signature_or_auth_token_fails()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), signature: null);

        Assert.False(TwilioRequestValidator.IsValid(request, form, "12345", "https://mycompany.com"));
        request.Headers[TwilioSignature.Header] = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
        Assert.False(TwilioRequestValidator.IsValid(request, form, authToken: null, "https://mycompany.com"));
    }

    private static (HttpRequest Request, IFormCollection Form) Request(string path, string query, Dictionary<string, string> parameters, string? signature)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("10.0.0.7", 8080);
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        if (signature is not null) context.Request.Headers[TwilioSignature.Header] = signature;
        var form = new FormCollection(parameters.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
        return (context.Request, form);
    }


    [Fact]
    public void Missing_signature_or_token_never_validates()
    {
        Assert.False(TwilioSignature.IsValid("12345", Url, Params("+12349013030"), null));
        Assert.False(TwilioSignature.IsValid(null, Url, Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }
}

public class ClockTests
{
    [Fact]
    public void Simulated_clock_moves_forward_by_the_advance_and_survives_a_restart()
    {
        var state = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json");
        var first = new SimulatedClock(stateFile: state);
        var before = first.GetUtcNow();
        first.Advance(TimeSpan.FromDays(3));

        var restarted = new SimulatedClock(stateFile: state);

        Assert.InRange(restarted.GetUtcNow() - before, TimeSpan.FromDays(3), TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => restarted.Advance(TimeSpan.FromHours(-1)));
        File.Delete(state);
    }

    [Theory]
    [InlineData("P3D", 3 * 24 * 60)]
    [InlineData("PT4H", 4 * 60)]
    [InlineData("P1DT12H", 36 * 60)]
    public void Dev_advance_accepts_iso_8601_durations(string text, int minutes)
    {
        Assert.True(DevEndpoints.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("3 days")]
    [InlineData("-P1D")]
    [InlineData("")]
    [InlineData(null)]
    public void Dev_advance_refuses_anything_but_a_positive_duration(string? text)
    {
        Assert.False(DevEndpoints.TryParseDuration(text, out _));
    }
}

public class CredentialTests
{
    [Fact]
    public void Configured_keys_match_by_hash_and_unknown_keys_do_not()
    {
        var options = new PainProOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")),
            Auth = { ApiKeys = [new ApiKeyEntry { Name = "ehr", Sha256 = PainProAuth.Sha256Hex("secret-key") }] },
        };

        var credentials = new Credentials(Options.Create(options));

        Assert.Equal("ehr", credentials.FindApiKey("secret-key"));
        Assert.Null(credentials.FindApiKey("secret-key2"));
        Assert.Null(credentials.DevApiKey);
        Assert.Null(credentials.TwilioAuthToken);
    }

    [Fact]
    public void Dev_mode_generates_credentials_once_and_keeps_them_across_restarts()
    {
        var options = new PainProOptions { DataDirectory = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), Dev = { Enabled = true } };

        var first = new Credentials(Options.Create(options));
        var again = new Credentials(Options.Create(options));

        Assert.NotNull(first.DevApiKey);
        Assert.Equal(first.DevApiKey, again.DevApiKey);
        Assert.Equal(first.TwilioAuthToken, again.TwilioAuthToken);
        Assert.Equal("dev", again.FindApiKey(first.DevApiKey!));
    }
}
