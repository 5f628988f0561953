using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace PainPro.Portal.Web;

/// <summary>
/// Field errors the accessible way: the message sits next to the field with an id, and the field points at it
/// with <c>aria-describedby</c> and says <c>aria-invalid</c>.
/// </summary>
public static class FormErrors
{
    public static string? For(ModelStateDictionary state, string key) =>
        state.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    public static string? Invalid(ModelStateDictionary state, string key) => For(state, key) is null ? null : "true";

    /// <summary>The ids that describe a field: its hint (if any) and its error (if any); null when neither.</summary>
    public static string? DescribedBy(ModelStateDictionary state, string key, string? hintId = null)
    {
        var ids = new[] { hintId, For(state, key) is null ? null : key + "-error" }.Where(id => id is not null);
        var joined = string.Join(' ', ids);
        return joined.Length == 0 ? null : joined;
    }

    public static IHtmlContent Message(ModelStateDictionary state, string key) =>
        For(state, key) is { } message
            ? new HtmlString($"""<p class="field-error" id="{HtmlEncoder.Default.Encode(key)}-error">{HtmlEncoder.Default.Encode(message)}</p>""")
            : HtmlString.Empty;
}
