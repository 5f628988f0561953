using FsCheck;
using FsCheck.Fluent;
using PainPro.Reliability.Tests.Reporting;
using PainPro.Testing.Twilio;
using PainPro.Twilio.Webhooks;

namespace PainPro.Reliability.Tests.Properties;

/// <summary>
/// The webhook signature check (DESIGN §8; Twilio's SDK under <see cref="TwilioWebhookSignature"/>) over random tokens,
/// URLs and parameters: it accepts what an independent implementation of Twilio's algorithm signs (test code only: no
/// signer lives in the services), does not depend on parameter order, and any change to the URL, a value, the token or the
/// parameter set makes a presented signature fail — without ever throwing.
/// </summary>
public class TwilioSignatureProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(Sizes.PropertyRuns);

    private static readonly Gen<string> Tokens =
        Gen.ArrayOf(Gen.Elements("0123456789abcdef".ToCharArray()), 32).Select(chars => new string(chars));

    private static readonly Gen<string> Urls =
        from scheme in Gen.Elements("https", "http")
        from host in Gen.Elements("painpro.example.org", "127.0.0.1:5080", "hospital.example:8443", "xn--hspital-9xa.example")
        from path in Gen.Elements("/webhooks/twilio/sms", "/webhooks/twilio/status", "/painpro/webhooks/twilio/sms")
        from query in Gen.Elements("", "?foo=1&bar=2", "?a=%20b", "?ü=1")
        select $"{scheme}://{host}{path}{query}";

    /// <summary>Field names; an empty one too (it signs as its value alone).</summary>
    private static readonly Gen<string> Names = Gen.OneOf(
        Gen.Elements("MessageSid", "AccountSid", "From", "To", "Body", "NumMedia", "SmsStatus", "ApiVersion", "FromCity", "ÑOÑO", "a b", ""),
        ArbMap.Default.ArbFor<NonEmptyString>().Generator.Select(s => s.Get));

    private static readonly Gen<string> Values = Gen.OneOf(
        Gen.Elements("", "7", "+15551230001", "SM" + new string('a', 32), "séis 😀", "<Response/>", "a&b=c", "\u0000", "\r\n"),
        ArbMap.Default.ArbFor<string>().Generator.Select(s => s ?? ""));

    /// <summary>A form with distinct names (a real Twilio form never repeats one).</summary>
    private static readonly Gen<KeyValuePair<string, string>[]> Forms =
        Gen.ListOf(Gen.Zip(Names, Values))
            .Select(pairs => pairs.DistinctBy(p => p.Item1, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Item1, p.Item2)).ToArray());

    private static readonly Gen<Signed> SignedRequests =
        from token in Tokens
        from url in Urls
        from form in Forms
        select new Signed(token, url, form, TwilioDouble.Sign(token, url, form));

    public sealed record Signed(string Token, string Url, KeyValuePair<string, string>[] Form, string Signature)
    {
        public override string ToString() => $"token {Token}, {Url}, {Form.Length} fields [{string.Join(", ", Form.Select(p => p.Key))}]";
    }

    [Fact]
    public void Every_signed_request_validates_and_matches_an_independent_implementation_of_twilios_algorithm()
    {
        using var entry = Ledger.Open("inputs.signature-roundtrip", Ledger.Inputs, "Signature agrees with an independent implementation; any order validates");
        var cases = from signed in SignedRequests from order in Gen.Shuffle(signed.Form) select (signed, order);

        Prop.ForAll(cases.ToArbitrary(), c =>
            (TwilioWebhookSignature.IsValid(c.signed.Token, c.signed.Url, c.signed.Form, c.signed.Signature)
             && TwilioWebhookSignature.IsValid(c.signed.Token, c.signed.Url, c.order, c.signed.Signature)
             && c.signed.Signature == TwilioDouble.Sign(c.signed.Token, c.signed.Url, c.order))
            .Label(c.signed.ToString())).Check(Runs);
        entry.Count("signed requests", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void A_replayed_signature_fails_when_any_value_is_altered()
    {
        using var entry = Ledger.Open("inputs.signature-altered-value", Ledger.Inputs, "Replayed signature with one altered parameter value");
        var cases =
            from signed in SignedRequests.Where(s => s.Form.Length > 0)
            from index in Gen.Choose(0, signed.Form.Length - 1)
            from alteration in Gen.Elements<Func<string, string>>(v => v + " ", v => v + "0", v => "1" + v, v => v.Length > 0 ? v[..^1] : "x", v => v.ToUpperInvariant() == v ? v + "a" : v.ToUpperInvariant())
            select (signed, altered: signed.Form.Select((p, i) => i == index ? KeyValuePair.Create(p.Key, alteration(p.Value)) : p).ToArray());

        Prop.ForAll(cases.ToArbitrary(), c =>
            (!TwilioWebhookSignature.IsValid(c.signed.Token, c.signed.Url, c.altered, c.signed.Signature)).Label(c.signed.ToString())).Check(Runs);
        entry.Count("altered requests", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void A_signature_fails_on_another_url_another_token_or_an_added_parameter_which_is_signed_like_any_other()
    {
        using var entry = Ledger.Open("inputs.signature-url-token-extra", Ledger.Inputs, "Signature on another URL, another token, or with an unsigned extra parameter");
        var cases =
            from signed in SignedRequests
            from otherUrl in Urls.Where(u => u != signed.Url)
            from otherToken in Tokens.Where(t => t != signed.Token)
            from extraName in Names.Where(n => n.Length > 0 && signed.Form.All(p => p.Key != n))
            from extraValue in Values
            select (signed, otherUrl, otherToken, extra: signed.Form.Append(KeyValuePair.Create(extraName, extraValue)).ToArray());

        Prop.ForAll(cases.ToArbitrary(), c =>
            (!TwilioWebhookSignature.IsValid(c.signed.Token, c.otherUrl, c.signed.Form, c.signed.Signature)
             && !TwilioWebhookSignature.IsValid(c.otherToken, c.signed.Url, c.signed.Form, c.signed.Signature)
             && !TwilioWebhookSignature.IsValid(c.signed.Token, c.signed.Url, c.extra, c.signed.Signature)
             // Unknown extra parameters are part of the signature, not an error.
             && TwilioWebhookSignature.IsValid(c.signed.Token, c.signed.Url, c.extra, TwilioDouble.Sign(c.signed.Token, c.signed.Url, c.extra)))
            .Label(c.signed.ToString())).Check(Runs);
        entry.Count("signed requests", Sizes.PropertyRuns).Pass();
    }

    [Fact]
    public void Garbage_missing_or_unconfigured_credentials_never_validate_and_never_throw()
    {
        using var entry = Ledger.Open("inputs.signature-garbage", Ledger.Inputs, "Garbage, empty or missing signature headers; no auth token configured");
        var presented = Gen.OneOf(
            ArbMap.Default.ArbFor<string>().Generator.Select(s => (string?)s),
            Gen.Elements<string?>(null, "", " ", "=", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", new string('A', 28), "\uD800", "ü"));
        var cases =
            from signed in SignedRequests
            from header in presented
            from token in Gen.Elements<string?>(null, "", signed.Token)
            select (signed, header, token);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var valid = TwilioWebhookSignature.IsValid(c.token, c.signed.Url, c.signed.Form, c.header);
            // Only the right token with the right signature may pass; a stray header equal to it is the only way.
            var expected = c.token == c.signed.Token && c.header?.Trim() == c.signed.Signature;
            return (valid == expected).Label($"{c.signed} presented '{c.header}' with token '{c.token}'");
        }).Check(Runs);
        entry.Count("presented headers", Sizes.PropertyRuns).Pass();
    }
}
