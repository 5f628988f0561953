using PainPro.Instruments;

namespace PainPro.Instruments.Tests;

public class SmsSegmentsTests
{
    public static TheoryData<string, string, SmsEncoding, int, int> CraftedTexts => new()
    {
        // name, text, encoding, units, segments
        { "empty", "", SmsEncoding.Gsm7, 0, 1 },
        { "160 GSM-7 characters fit one SMS", new string('a', 160), SmsEncoding.Gsm7, 160, 1 },
        { "161 GSM-7 characters need two parts of 153", new string('a', 161), SmsEncoding.Gsm7, 161, 2 },
        { "306 GSM-7 characters fill two parts exactly", new string('a', 306), SmsEncoding.Gsm7, 306, 2 },
        { "307 GSM-7 characters need a third part", new string('a', 307), SmsEncoding.Gsm7, 307, 3 },
        { "é, ñ, ¿ and ¡ are GSM-7", "¿Qué tal, señor Muñoz? ¡Bien!", SmsEncoding.Gsm7, 29, 1 },
        { "one á makes the whole text UCS-2", "¿Cuánto dolor tiene?", SmsEncoding.Ucs2, 20, 1 },
        { "70 UCS-2 units fit one SMS", "á" + new string('a', 69), SmsEncoding.Ucs2, 70, 1 },
        { "71 UCS-2 units need two parts of 67", "á" + new string('a', 70), SmsEncoding.Ucs2, 71, 2 },
        { "134 UCS-2 units fill two parts exactly", "ó" + new string('a', 133), SmsEncoding.Ucs2, 134, 2 },
        { "135 UCS-2 units need a third part", "ó" + new string('a', 134), SmsEncoding.Ucs2, 135, 3 },
        { "extension characters cost two septets", "{}[]~|^\\€", SmsEncoding.Gsm7, 18, 1 },
        { "80 euro signs are 160 septets: one SMS", new string('€', 80), SmsEncoding.Gsm7, 160, 1 },
        { "an escape pair never straddles two parts, so 306 septets can need three", new string('a', 152) + "€" + new string('a', 152), SmsEncoding.Gsm7, 306, 3 },
        { "an emoji is a surrogate pair: UCS-2, two units", "Hi 👋", SmsEncoding.Ucs2, 5, 1 },
        { "a surrogate pair never straddles two parts, so 134 units can need three", new string('a', 66) + "👍" + new string('a', 66), SmsEncoding.Ucs2, 134, 3 },
        { "curly quotes are not GSM-7", "It’s fine", SmsEncoding.Ucs2, 9, 1 },
        { "newlines are GSM-7", "line one\nline two", SmsEncoding.Gsm7, 17, 1 },
    };

    [Theory]
    [MemberData(nameof(CraftedTexts))]
    public void Segment_count_follows_the_GSM7_and_UCS2_rules(string name, string text, SmsEncoding encoding, int units, int segments)
    {
        var count = SmsSegments.Count(text);

        Assert.True(count == new SmsSegmentCount(encoding, units, segments), $"{name}: expected {encoding}/{units}/{segments}, got {count}");
    }

    [Fact]
    public void Spanish_acute_vowels_other_than_e_are_outside_GSM7()
    {
        Assert.True(SmsSegments.IsGsm7("é ñ ü ¿ ¡ Ñ Ü É"));
        foreach (var c in "áíóúÁÍÓÚ") Assert.False(SmsSegments.IsGsm7(c.ToString()), $"{c} should not be GSM-7");
    }
}
