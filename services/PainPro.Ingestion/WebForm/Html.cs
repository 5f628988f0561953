using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace PainPro.Ingestion.WebForm;

/// <summary>A small HTML builder: every text and attribute value goes through the HTML encoder.</summary>
internal sealed class Html
{
    // Pages are UTF-8, so letters of every script are written as themselves; markup characters are still escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder html = new();

    public Html Raw(string markup)
    {
        html.Append(markup);
        return this;
    }

    public Html Text(string? text)
    {
        html.Append(Encoder.Encode(text ?? ""));
        return this;
    }

    /// <summary>An element with encoded attributes and text content.</summary>
    public Html Element(string tag, string? text, params (string Name, string? Value)[] attributes)
    {
        Open(tag, attributes);
        Text(text);
        return Close(tag);
    }

    public Html Open(string tag, params (string Name, string? Value)[] attributes)
    {
        html.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null) continue;
            html.Append(' ').Append(name);
            if (value.Length > 0) html.Append("=\"").Append(Encoder.Encode(value)).Append('"');
        }
        html.Append('>');
        return this;
    }

    public Html Close(string tag)
    {
        html.Append("</").Append(tag).Append('>');
        return this;
    }

    public override string ToString() => html.ToString();
}
