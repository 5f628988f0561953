using PainPro.Phones;

namespace PainPro.Phones.Tests;

public class PhoneNumberTests
{
    public static TheoryData<string, string?, string> Accepted => new()
    {
        // What intake systems, Twilio and staff write for the same number.
        { "+15551230001", null, "+15551230001" },
        { "+1 (555) 123-0001", null, "+15551230001" },
        { "+1.555.123.0001", null, "+15551230001" },
        { "+1-555-123-0001", null, "+15551230001" },
        { "  +15551230001\t", null, "+15551230001" },
        { "tel:+15551230001", null, "+15551230001" },
        { "＋１５５５１２３０００１", null, "+15551230001" },
        // Without a country code only where a region says how it was dialled.
        { "(555) 123-0001", "US", "+15551230001" },
        { "555 123 0001", "us", "+15551230001" },
        { "0034 612 345 678", "ES", "+34612345678" },
        { "612 345 678", "ES", "+34612345678" },
        // A leading + wins over the region.
        { "+34 612 345 678", "US", "+34612345678" },
        { "+44 7700 900123", null, "+447700900123" },
        { "+91 98765 43210", null, "+919876543210" },
        { "+61 4 1234 5678", null, "+61412345678" },
        { "+52 55 1234 5678", null, "+525512345678" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Common_ways_of_writing_a_number_give_one_E164(string text, string? region, string e164)
    {
        Assert.True(PhoneNumber.TryParse(text, region, out var number));
        Assert.Equal(e164, number.E164);
        Assert.Equal(e164, number.ToString());
        Assert.Equal(e164, PhoneNumber.Normalize(text, region));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("+", null)]
    [InlineData("abc", null)]
    [InlineData("5551230001", null)]           // no country code and no region
    [InlineData("(555) 123-0001", null)]
    [InlineData("12345", "US")]                 // too short for its country
    [InlineData("+1555123", null)]
    [InlineData("+3361234567890123", null)]     // too long
    [InlineData("+1 555 123 0001 ext. 5", null)] // an extension cannot take a text
    [InlineData("+15551230001x7", null)]
    [InlineData("+15551230001x", null)]         // a typo, not an empty extension
    [InlineData("+1-800-FLOWERS", null)]        // vanity letters are not a patient's phone
    [InlineData("+1555123000l", null)]          // a letter l for a one
    [InlineData("+15551230001; DROP TABLE patients", null)]
    public void What_cannot_take_a_text_is_refused(string? text, string? region)
    {
        Assert.False(PhoneNumber.TryParse(text, region, out var number));
        Assert.Null(number);
        Assert.Null(PhoneNumber.Normalize(text, region));
    }

    [Fact]
    public void A_very_long_input_is_refused_without_parsing()
    {
        Assert.False(PhoneNumber.TryParse("+1" + new string('5', 10_000), out _));
    }

    [Fact]
    public void Numbers_written_differently_are_equal()
    {
        Assert.True(PhoneNumber.TryParse("+1 (555) 123-0001", out var a));
        Assert.True(PhoneNumber.TryParse("+15551230001", out var b));
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }
}
