using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PainPro.Ingestion.Fhir;

/// <summary>A FHIR date search value (<c>ge2026-11-20</c>) as a condition on an instant column.</summary>
/// <remarks>
/// The value's precision is a range (a day, a month, a second); prefixes compare with that range as the FHIR search
/// rules say: <c>eq</c> (none) inside it, <c>ge</c> from its start, <c>gt</c> after it, <c>le</c> up to its end,
/// <c>lt</c> before it. Dates without a time are UTC days.
/// </remarks>
public sealed record DateBound(string Prefix, DateTimeOffset Start, DateTimeOffset End)
{
    private static readonly string[] Prefixes = ["eq", "ge", "gt", "le", "lt"];

    private static readonly (string Format, Func<DateTimeOffset, DateTimeOffset> Next)[] Precisions =
    [
        ("yyyy", d => d.AddYears(1)),
        ("yyyy-MM", d => d.AddMonths(1)),
        ("yyyy-MM-dd", d => d.AddDays(1)),
    ];

    public static bool TryParse(string text, out DateBound? bound)
    {
        bound = null;
        var prefix = text.Length > 2 && Prefixes.Contains(text[..2]) ? text[..2] : "eq";
        var value = prefix == "eq" && !text.StartsWith("eq", StringComparison.Ordinal) ? text : text[2..];
        foreach (var (format, next) in Precisions)
        {
            if (DateTime.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                var start = new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Utc));
                bound = new DateBound(prefix, start, next(start));
                return true;
            }
        }
        // A date and time must say its zone (FHIR dateTime with a time always has one).
        if (value.Contains('T') && (value.EndsWith('Z') || value.Length > 6 && value[^6] is '+' or '-')
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            var hasSeconds = value.Split('T')[1].Count(c => c == ':') >= 2;
            bound = new DateBound(prefix, instant, instant.Add(hasSeconds ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1)));
            return true;
        }
        return false;
    }

    /// <summary>The condition on <paramref name="column"/>, its values added to <paramref name="query"/>.</summary>
    public string Sql(string column, ResultQuery query) => Prefix switch
    {
        "ge" => $"{column} >= {query.Parameter(Start)}",
        "gt" => $"{column} >= {query.Parameter(End)}",
        "le" => $"{column} < {query.Parameter(End)}",
        "lt" => $"{column} < {query.Parameter(Start)}",
        _ => $"{column} >= {query.Parameter(Start)} AND {column} < {query.Parameter(End)}",
    };
}

/// <summary>A token search value: <c>system|code</c>, <c>code</c>, or <c>system|</c>.</summary>
public sealed record Token(string? System, string? Code)
{
    public static Token Parse(string text)
    {
        var bar = text.IndexOf('|');
        if (bar < 0) return new Token(null, text);
        var code = text[(bar + 1)..];
        return new Token(text[..bar], code.Length == 0 ? null : code);
    }

    public bool Matches(string system, string code) =>
        (System is null || System == system) && (Code is null || Code == code);
}

/// <summary>Where a page starts: after the row with this sort value and id (and, for Observations, this kind).</summary>
public sealed record PageCursor(DateTimeOffset At, Guid Id, int Kind)
{
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{At.UtcTicks}.{Id:N}.{Kind}");

    public static bool TryParse(string? text, out PageCursor? cursor)
    {
        cursor = null;
        var parts = text?.Split('.') ?? [];
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(parts[1], "N", out var id)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var kind))
            return false;
        cursor = new PageCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id, kind);
        return true;
    }
}

/// <summary>
/// The query string of a search, checked against what the resource supports: an unknown parameter is an error, not
/// silently ignored, so a client never mistakes an unfiltered answer about many patients for a filtered one.
/// </summary>
public sealed class SearchRequest
{
    /// <summary>Parameters that shape the answer rather than filter it; accepted on every search.</summary>
    public const string Count = "_count";
    public const string Page = "_page";
    public const string Format = "_format";

    private SearchRequest(IQueryCollection query) => Query = query;

    public IQueryCollection Query { get; }
    public List<string> Errors { get; } = [];
    public int PageSize { get; private set; }
    public PageCursor? After { get; private set; }

    public static SearchRequest Read(IQueryCollection query, IReadOnlyCollection<string> supported, int defaultPageSize, int maxPageSize)
    {
        var request = new SearchRequest(query) { PageSize = defaultPageSize };
        foreach (var key in query.Keys)
        {
            if (key is Count or Page or Format || supported.Contains(key)) continue;
            request.Errors.Add($"Search parameter '{key}' is not supported here; supported: {string.Join(", ", supported.Append(Count))}.");
        }
        if (query.TryGetValue(Count, out var count))
        {
            if (int.TryParse(count.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 1)
                request.PageSize = Math.Min(size, maxPageSize);
            else request.Errors.Add($"_count must be a whole number from 1 (at most {maxPageSize} are returned per page).");
        }
        if (query.TryGetValue(Format, out var format) && !format.ToString().Contains("json", StringComparison.OrdinalIgnoreCase))
            request.Errors.Add("Only JSON is served (_format=json or application/fhir+json).");
        if (query.TryGetValue(Page, out var page))
        {
            if (PageCursor.TryParse(page.ToString(), out var cursor)) request.After = cursor;
            else request.Errors.Add("_page is not a page of this server; follow the Bundle's next link as given.");
        }
        return request;
    }

    /// <summary>The one value of a parameter, or null; a repeated parameter is an error (they are not combined here).</summary>
    public string? Single(string name)
    {
        if (!Query.TryGetValue(name, out var values)) return null;
        if (values.Count > 1) { Errors.Add($"Give {name} once."); return null; }
        var value = values.ToString().Trim();
        if (value.Length == 0) { Errors.Add($"{name} is empty."); return null; }
        return value;
    }

    /// <summary>Every value of a date parameter (repeats are combined with AND, as FHIR says).</summary>
    public List<DateBound> Dates(string name)
    {
        var bounds = new List<DateBound>();
        if (!Query.TryGetValue(name, out var values)) return bounds;
        foreach (var value in values)
        {
            if (DateBound.TryParse(value?.Trim() ?? "", out var bound)) bounds.Add(bound!);
            else Errors.Add($"{name}: '{value}' is not a FHIR date search value such as ge2026-11-20 or lt2026-11-20T14:00:00Z.");
        }
        return bounds;
    }

    /// <summary>The values of a token parameter (a comma separates alternatives; repeats are combined with AND).</summary>
    public List<List<Token>> Tokens(string name) =>
        Query.TryGetValue(name, out var values)
            ? [.. values.Select(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Token.Parse).ToList())]
            : [];
}
