using System.Globalization;
using System.Text;

namespace PainPro.Portal.Dashboard;

/// <summary>A table as the dashboard exports it: a file name, headers and rows of already-formatted cells.</summary>
public sealed record CsvTable(string Name, string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>RFC 4180 text with CRLF line ends and a UTF-8 BOM-less body.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        AppendLine(csv, Headers);
        foreach (var row in Rows) AppendLine(csv, row);
        return csv.ToString();
    }

    private static void AppendLine(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.AppendJoin(',', cells.Select(Escape));
        csv.Append("\r\n");
    }

    internal static string Escape(string cell)
    {
        // A text cell starting with = + - @ would run as a formula in a spreadsheet; numbers are left alone.
        if (cell.Length > 0 && "=+-@\t\r".Contains(cell[0]) && !decimal.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            cell = "'" + cell;
        return cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
    }

    /// <summary>A number exactly as the service wrote it (decimal keeps every digit); empty when absent.</summary>
    public static string Cell(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string Cell(int value) => value.ToString(CultureInfo.InvariantCulture);
}
