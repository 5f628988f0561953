using PainPro.Ingestion.Http;

namespace PainPro.Ingestion.Tests;

public sealed class DateRangeTests
{
    [Fact]
    public void A_date_to_is_inclusive_of_the_whole_day()
    {
        Assert.True(DateRange.TryParse("2026-11-01", "2026-11-20", out var range, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), range.Until);
    }

    [Theory]
    [InlineData("to", "9999-12-31")]
    [InlineData("from", "0001-01-01")]
    [InlineData("to", "9999-12-31T23:59:59+00:00")]
    [InlineData("from", "next tuesday")]
    public void An_absurd_bound_is_refused_naming_its_field_never_an_overflow(string field, string value)
    {
        var ok = field == "to" ? DateRange.TryParse(null, value, out _, out var errors) : DateRange.TryParse(value, null, out _, out errors);

        Assert.False(ok);
        Assert.Contains(field, errors.Keys);
    }
}
