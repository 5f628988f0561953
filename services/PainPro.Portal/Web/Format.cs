using System.Globalization;

namespace PainPro.Portal.Web;

/// <summary>Numbers as the pages show them (the CSV keeps the services' full precision).</summary>
public static class Format
{
    public static string Number(decimal? value, int decimals = 1) =>
        value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero).ToString("N" + decimals, CultureInfo.InvariantCulture) : "—";

    /// <summary>A share given as a fraction 0–1, shown as a percentage.</summary>
    public static string Percent(decimal? fraction) =>
        fraction is { } f ? Math.Round(f * 100, 1, MidpointRounding.AwayFromZero).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Minutes(decimal? minutes)
    {
        if (minutes is not { } m) return "—";
        var span = TimeSpan.FromMinutes((double)m);
        return span.TotalHours < 1 ? $"{Math.Round(m):0} min" : $"{(int)span.TotalHours} h {span.Minutes} min";
    }
}
