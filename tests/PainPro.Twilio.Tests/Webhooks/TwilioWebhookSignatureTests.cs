using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using PainPro.Testing.Twilio;
using PainPro.Twilio.Webhooks;

namespace PainPro.Twilio.Tests.Webhooks;

/// <summary>The signature check (Twilio's SDK) against Twilio's published vectors, and the forwarded-origin rules around it.</summary>
public class TwilioWebhookSignatureTests
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
    public void Twilio_documented_vectors_validate_and_the_test_signer_reproduces_them(string caller, string signature)
    {
        Assert.True(TwilioWebhookSignature.IsValid("12345", Url, Params(caller), signature));
        Assert.Equal(signature, TwilioDouble.Sign("12345", Url, Params(caller)));
    }

    [Theory]
    [InlineData("Digits", "1235")]
    [InlineData("To", "+18005551213")]
    [InlineData("Extra", "added")]
    public void An_altered_or_added_parameter_fails_validation(string name, string value)
    {
        var altered = Params("+12349013030");
        altered[name] = value;
        Assert.False(TwilioWebhookSignature.IsValid("12345", Url, altered, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    [Fact]
    public void Missing_signature_or_token_or_a_url_that_is_not_one_never_validates_and_never_throws()
    {
        Assert.False(TwilioWebhookSignature.IsValid("12345", Url, Params("+12349013030"), null));
        Assert.False(TwilioWebhookSignature.IsValid("12345", Url, Params("+12349013030"), " "));
        Assert.False(TwilioWebhookSignature.IsValid(null, Url, Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        Assert.False(TwilioWebhookSignature.IsValid("12345", "not a url", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        Assert.False(TwilioWebhookSignature.IsValid("12345", "", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    [Fact]
    public void The_webhook_validates_the_documented_request_against_the_configured_public_url()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");

        Assert.True(TwilioWebhookSignature.IsValid(request, form, "12345", "https://mycompany.com/"));
        Assert.False(TwilioWebhookSignature.IsValid(request, form, "12345", "https://other.example.com"));
        Assert.False(TwilioWebhookSignature.IsValid(request, form, "54321", "https://mycompany.com"));
    }

    [Fact]
    public void A_signature_on_the_url_with_its_default_port_spelled_out_is_accepted()
    {
        var form = Params("+12349013030");
        var signature = TwilioDouble.Sign("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", form);
        var (request, collection) = Request("/myapp.php", "?foo=1&bar=2", form, signature);

        Assert.True(TwilioWebhookSignature.IsValid(request, collection, "12345", "https://mycompany.com"));
    }

    [Fact]
    public void Behind_a_proxy_the_url_rebuilt_from_forwarded_headers_is_accepted()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        request.Headers["X-Forwarded-Proto"] = "https";
        request.Headers["X-Forwarded-Host"] = "mycompany.com, 10.0.0.1";

        Assert.True(TwilioWebhookSignature.IsValid(request, form, "12345", "http://10.0.0.7:8080"));
        Assert.Contains("https://mycompany.com/myapp.php?foo=1&bar=2", TwilioWebhookSignature.SignedUrls(request, "http://10.0.0.7:8080"));
    }

    [Fact]
    public void A_forwarded_prefix_is_part_of_the_signed_url()
    {
        var form = Params("+12349013030");
        var signature = TwilioDouble.Sign("12345", "https://hospital.example/painpro/myapp.php", form);
        var (request, collection) = Request("/myapp.php", "", form, signature);
        request.Headers["X-Forwarded-Proto"] = "https";
        request.Headers["X-Forwarded-Host"] = "hospital.example";

        Assert.False(TwilioWebhookSignature.IsValid(request, collection, "12345", "http://10.0.0.7:8080"));
        request.Headers["X-Forwarded-Prefix"] = "/painpro/";
        Assert.True(TwilioWebhookSignature.IsValid(request, collection, "12345", "http://10.0.0.7:8080"));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("[::1")]
    [InlineData("host:notaport")]
    [InlineData("\u00e9vil.example:99999")]
    public void A_garbage_forwarded_host_is_refused_not_a_crash(string forwardedHost)
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        request.Headers["X-Forwarded-Host"] = forwardedHost;

        Assert.False(TwilioWebhookSignature.IsValid(request, form, "12345", "http://10.0.0.7:8080"));
        Assert.True(TwilioWebhookSignature.IsValid(request, form, "12345", "https://mycompany.com"));
    }

    [Fact]
    public void A_form_that_repeats_a_name_is_refused_since_Twilio_never_sends_one()
    {
        var (request, _) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        var fields = Params("+12349013030").ToDictionary(p => p.Key, p => new StringValues(p.Value));
        fields["Digits"] = new StringValues(["1234", "5678"]);

        Assert.False(TwilioWebhookSignature.IsValid(request, new FormCollection(fields), "12345", "https://mycompany.com"));
    }

    [Fact]
    public void A_missing_signature_header_or_auth_token_fails()
    {
        var (request, form) = Request("/myapp.php", "?foo=1&bar=2", Params("+12349013030"), signature: null);

        Assert.False(TwilioWebhookSignature.IsValid(request, form, "12345", "https://mycompany.com"));
        request.Headers[TwilioWebhookSignature.Header] = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
        Assert.False(TwilioWebhookSignature.IsValid(request, form, authToken: null, "https://mycompany.com"));
    }

    private static (HttpRequest Request, IFormCollection Form) Request(string path, string query, Dictionary<string, string> parameters, string? signature)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("10.0.0.7", 8080);
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        if (signature is not null) context.Request.Headers[TwilioWebhookSignature.Header] = signature;
        var form = new FormCollection(parameters.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
        return (context.Request, form);
    }
}
