using PainPro.Contracts;
using PainPro.Instruments;

namespace PainPro.Instruments.Tests;

public class InstrumentCatalogTests
{
    [Theory]
    [InlineData(InstrumentCodes.Vas, new[] { "vas" })]
    [InlineData(InstrumentCodes.Analgesic, new[] { "analgesic" })]
    [InlineData(InstrumentCodes.MstsLower, new[] { "msts.pain", "msts.function", "msts.emotional", "msts.supports", "msts.walking", "msts.gait" })]
    [InlineData(InstrumentCodes.MstsUpper, new[] { "msts.pain", "msts.function", "msts.emotional", "msts.hand-positioning", "msts.dexterity", "msts.lifting" })]
    public void Instrument_asks_its_items_in_published_order(string instrumentCode, string[] itemCodes)
    {
        Assert.Equal(itemCodes, InstrumentCatalog.ItemsOf(instrumentCode).Select(item => item.Code));
    }

    [Theory]
    [InlineData("vas", 0, 10)]
    [InlineData("analgesic", 1, 3)]
    [InlineData("msts.pain", 0, 5)]
    [InlineData("msts.gait", 0, 5)]
    [InlineData("msts.lifting", 0, 5)]
    public void Item_has_its_answer_range(string itemCode, int min, int max)
    {
        Assert.Equal(new ItemDefinition(itemCode, min, max), InstrumentCatalog.Item(itemCode));
    }

    [Fact]
    public void Survey_items_follow_the_instrument_order()
    {
        var items = InstrumentCatalog.ItemsOf([InstrumentCodes.Vas, InstrumentCodes.Analgesic, InstrumentCodes.MstsLower]);

        Assert.Equal(
            ["vas", "analgesic", "msts.pain", "msts.function", "msts.emotional", "msts.supports", "msts.walking", "msts.gait"],
            items.Select(item => item.Code));
    }

    [Fact]
    public void Items_shared_by_both_msts_variants_are_asked_once()
    {
        var items = InstrumentCatalog.ItemsOf([InstrumentCodes.MstsLower, InstrumentCodes.MstsUpper, InstrumentCodes.MstsLower]);

        Assert.Equal(9, items.Count);
        Assert.Equal(items.Count, items.Select(item => item.Code).Distinct().Count());
    }

    [Fact]
    public void Unknown_codes_are_refused_with_their_name()
    {
        var instrument = Assert.Throws<ArgumentException>(() => InstrumentCatalog.ItemsOf("promis"));
        var item = Assert.Throws<ArgumentException>(() => InstrumentCatalog.Item("msts.stairs"));

        Assert.Contains("promis", instrument.Message);
        Assert.Contains("msts.stairs", item.Message);
        Assert.False(InstrumentCatalog.TryGetItem("msts.stairs", out _));
        Assert.False(InstrumentCatalog.IsInstrument("promis"));
    }

    [Fact]
    public void Every_item_of_every_instrument_is_in_the_catalog_once()
    {
        var fromInstruments = InstrumentCatalog.Instruments.SelectMany(InstrumentCatalog.ItemsOf).Select(item => item.Code).Distinct();

        Assert.Equal(fromInstruments.Order(), InstrumentCatalog.AllItems.Select(item => item.Code).Order());
    }

    [Theory]
    [InlineData("es", "es")]
    [InlineData("es-MX", "es")]
    [InlineData("ES", "es")]
    [InlineData("es_US", "es")]
    [InlineData(" es ", "es")]
    [InlineData("en", "en")]
    [InlineData("en-GB", "en")]
    [InlineData("fr", "en")]
    [InlineData("pt-BR", "en")]
    [InlineData("spanish", "en")]
    [InlineData("", "en")]
    [InlineData(null, "en")]
    public void Locale_resolves_to_a_supported_language_or_english(string? locale, string expected)
    {
        Assert.Equal(expected, InstrumentCatalog.ResolveLocale(locale));
    }
}
