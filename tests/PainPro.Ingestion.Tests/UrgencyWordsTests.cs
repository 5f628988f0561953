using PainPro.Ingestion.Alerts;

namespace PainPro.Ingestion.Tests;

public sealed class UrgencyWordsTests
{
    [Theory]
    [InlineData("please call me", new[] { "call me" })]
    [InlineData("I can't breathe", new[] { "can not breathe" })]
    [InlineData("I cannot sleep and my leg is SWOLLEN", new[] { "swollen", "can not sleep" })]
    [InlineData("LLÁMENME, tengo FIEBRE", new[] { "llamenme", "fiebre" })]
    [InlineData("no puedo respirar", new[] { "no puedo respirar" })]
    [InlineData("the exercises are helpful", new string[0])]
    [InlineData("it helps a lot", new string[0])]
    [InlineData("fever? no", new[] { "fever" })]
    [InlineData("", new string[0])]
    public void Urgency_words_are_found_as_whole_words_in_either_language_without_case_or_accents(string body, string[] expected)
    {
        Assert.Equal(expected, UrgencyWords.Find(body));
    }

    [Fact]
    public void Configured_words_are_found_too()
    {
        Assert.Equal(["dizzy"], UrgencyWords.Find("I feel dizzy", ["dizzy", "mareado"]));
        Assert.Equal(["mareado"], UrgencyWords.Find("Estoy MAREADO", ["dizzy", "mareado"]));
    }
}
