using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PainPro.Ingestion.Sms;
using PainPro.ServiceDefaults.Twilio;

namespace PainPro.Ingestion.Tests;

/// <summary>Twilio's documented signature vectors, and the URLs the webhook checks a signature against.</summary>
public sealed class TwilioSignatureTests
{
    private const string AuthToken = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static Dictionary<string, string> Parameters(string caller) => new()
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
    public void Twilios_documented_vectors_validate(string caller, string signature)
    {
        Assert.Equal(signature, TwilioSignature.Compute(AuthToken, Url, Parameters(caller)));
        Assert.True(TwilioSignature.IsValid(AuthToken, Url, Parameters(caller), signature));
    }

    [Theory]
    [InlineData("Digits", "1235")]
    [InlineData("To", "+18005551213")]
    [InlineData("Extra", "added")]
    public void An_altered_or_added_parameter_fails(string name, string value)
    {
        var altered = Parameters("+12349013030");
        altered[name] = value;

        Assert.False(TwilioSignature.IsValid(AuthToken, Url, altered, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    [Fact]
    public void The_webhook_validates_the_documented_request_against_the_configured_public_url()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Parameters("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");

        Assert.True(TwilioRequestValidator.IsValid(request, form, AuthToken, "https://mycompany.com/"));
        Assert.False(TwilioRequestValidator.IsValid(request, form, AuthToken, "https://other.example.com"));
        Assert.False(TwilioRequestValidator.IsValid(request, form, "54321", "https://mycompany.com"));
    }

    [Fact]
    public void Behind_a_proxy_the_url_rebuilt_from_forwarded_headers_is_accepted()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Parameters("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        request.Headers["X-Forwarded-Proto"] = "https";
        request.Headers["X-Forwarded-Host"] = "mycompany.com";

        Assert.True(TwilioRequestValidator.IsValid(request, form, AuthToken, "http://10.0.0.7:8080"));
        Assert.Contains("https://mycompany.com/myapp.php?foo=1&bar=2", TwilioRequestValidator.SignedUrls(request, "http://10.0.0.7:8080"));
    }

    [Fact]
    public void A_missing_signature_or_auth_token_fails()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Parameters("+12349013030"), signature: null);

        Assert.False(TwilioRequestValidator.IsValid(request, form, AuthToken, "https://mycompany.com"));
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
}
