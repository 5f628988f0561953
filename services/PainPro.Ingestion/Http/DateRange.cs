using System.Globalization;

namespace PainPro.Ingestion.Http;

/// <summary>
/// A <c>from</c>/<c>to</c> query range. Either bound may be a date (<c>2026-11-20</c>, whole day, UTC) or an
/// instant with offset; <c>to</c> is inclusive for a date and exclusive for an instant.
/// </summary>
public sealed record DateRange(DateTimeOffset? From, DateTimeOffset? Until)
{
    public static bool TryParse(string? from, string? to, out DateRange range, out Dictionary<string, string[]> errors)
    {
        errors = [];
        range = new DateRange(null, null);
        DateTimeOffset? start = null, until = null;
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (TryParseBound(from, isEnd: false, out var value)) start = value;
            else errors["from"] = [$"Give a date (2026-11-20) or an ISO 8601 instant with offset, between {MinYear} and {MaxYear}."];
        }
        if (!string.IsNullOrWhiteSpace(to))
        {
            if (TryParseBound(to, isEnd: true, out var value)) until = value;
            else errors["to"] = [$"Give a date (2026-11-20) or an ISO 8601 instant with offset, between {MinYear} and {MaxYear}."];
        }
        if (errors.Count == 0 && start > until) errors["to"] = ["'to' must not be before 'from'."];
        if (errors.Count > 0) return false;
        range = new DateRange(start, until);
        return true;
    }

    // No outcome report spans centuries; bounding the years also keeps "the day after 9999-12-31" from overflowing.
    private const int MinYear = 1900;
    private const int MaxYear = 2200;

    private static bool TryParseBound(string text, bool isEnd, out DateTimeOffset value)
    {
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            if (date.Year is < MinYear or > MaxYear) return false;
            if (isEnd) value = value.AddDays(1);
            return true;
        }
        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value)
            && value.Year is >= MinYear and <= MaxYear;
    }
}
