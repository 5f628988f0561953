using PainPro.ServiceDefaults.Web;
using PainPro.Instruments;

namespace PainPro.Ingestion.WebForm;

/// <summary>A group of items under one heading: an instrument's items not already shown by an earlier one.</summary>
internal sealed record FormSection(string Title, IReadOnlyList<ItemDefinition> Items);

/// <summary>Everything the form page shows.</summary>
/// <param name="Values">The value shown as chosen per item: the submitted one, else the stored answer.</param>
/// <param name="Errors">A message per item that failed validation.</param>
/// <param name="Answered">The survey already holds answers (they may still be changed).</param>
/// <param name="Contact">Whom the patient is told to call (the survey's facility).</param>
internal sealed record FormModel(
    string Locale,
    IReadOnlyList<FormSection> Sections,
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyDictionary<string, string> Errors,
    string AntiforgeryFieldName,
    string AntiforgeryToken,
    bool Answered,
    CareContact Contact);

/// <summary>
/// The survey form and its message pages as server-rendered HTML: mobile first, one column, large touch targets;
/// each item a fieldset whose legend is the question and whose radios carry the anchors as labels; errors listed
/// at the top (focusable, linked to their items) and beside each item (<c>aria-describedby</c>). It works without script;
/// a few lines of it (<see cref="ClearAnswered"/>) take an item's error away once the item is answered. The thank-you
/// page shows the patient's own pain so far as a small bar chart with the same numbers as text beside it.
/// </summary>
internal static class SurveyFormPage
{
    private const string Styles = """
        *,*::before,*::after{box-sizing:border-box}
        body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f4f6f8}
        main{max-width:40rem;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
        h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
        fieldset{border:1px solid #c3c8cf;border-radius:.5rem;background:#fff;margin:0 0 1rem;padding:.75rem}
        fieldset.invalid{border:2px solid #b3261e}
        legend{float:left;width:100%;font-weight:600;padding:0;margin:0 0 .5rem}
        legend+*{clear:both}
        .option{display:flex;align-items:center;gap:.75rem;min-height:2.75rem;padding:.25rem .5rem;border-radius:.375rem;cursor:pointer}
        .option:hover{background:#eef2f6}
        .option input{width:1.5rem;height:1.5rem;margin:0;flex:none;accent-color:#0b5cad}
        .value{font-weight:700;min-width:1.5rem;text-align:right}
        :focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
        .errors{border:3px solid #b3261e;border-radius:.5rem;background:#fff;padding:.75rem 1rem;margin:0 0 1rem}
        .errors h2{margin-top:0;color:#b3261e}
        .error{color:#b3261e;font-weight:600;margin:.25rem 0 .5rem}
        a{color:#0b5cad}
        button{font:inherit;font-weight:600;width:100%;min-height:3rem;border:0;border-radius:.5rem;background:#0b5cad;color:#fff;padding:.75rem 1rem;cursor:pointer}
        button:hover{background:#094a8c}
        .note{font-size:.95rem;color:#3d4650;margin-top:1.5rem}
        .notice{background:#e8f3ea;border-left:4px solid #1e7b34;padding:.5rem .75rem;border-radius:.25rem}
        .hint{font-weight:400;color:#3d4650;margin:0 0 .5rem}
        figure{margin:1.5rem 0 0;background:#fff;border:1px solid #c3c8cf;border-radius:.5rem;padding:.75rem}
        figure h2{margin:0 0 .25rem}
        figure svg{display:block;width:100%;height:auto;max-width:28rem}
        figure ul{list-style:none;padding:0;margin:.5rem 0 0}
        figure li{padding:.125rem 0}
        """;

    public static string Form(FormModel model, string nonce)
    {
        var text = InstrumentTexts.WebForm(model.Locale);
        var body = new Html();
        body.Element("h1", text.Title);
        if (model.Errors.Count > 0)
        {
            // Focused on load (no script needed), so keyboard and screen-reader users start at the list of problems.
            body.Open("div", ("class", "errors"), ("role", "alert"), ("tabindex", "-1"), ("id", "errors"), ("autofocus", ""));
            body.Element("h2", text.ErrorSummaryTitle).Open("ul");
            foreach (var item in model.Sections.SelectMany(s => s.Items).Where(i => model.Errors.ContainsKey(i.Code)))
            {
                body.Open("li", ("data-item", Slug(item.Code))).Element("a", $"{InstrumentTexts.For(item.Code, model.Locale).Question} {model.Errors[item.Code]}",
                    ("href", "#" + FieldId(item.Code, Levels(item).First()))).Close("li");
            }
            body.Close("ul").Close("div");
        }
        else if (model.Answered)
        {
            body.Element("p", text.ThanksBody, ("class", "notice"));
        }
        body.Element("p", text.Intro);

        body.Open("form", ("method", "post"), ("novalidate", ""));
        body.Open("input", ("type", "hidden"), ("name", model.AntiforgeryFieldName), ("value", model.AntiforgeryToken));
        foreach (var section in model.Sections)
        {
            body.Open("section", ("aria-labelledby", "h-" + Slug(section.Title))).Element("h2", section.Title, ("id", "h-" + Slug(section.Title)));
            foreach (var item in section.Items) Item(body, item, model);
            body.Close("section");
        }
        body.Element("button", text.Submit, ("type", "submit"));
        body.Close("form");
        body.Element("p", InstrumentTexts.UrgentCareNote(model.Locale, model.Contact), ("class", "note"));
        return Page(model.Locale, model.Errors.Count > 0 ? $"{text.ErrorSummaryTitle} – {text.Title}" : text.Title, body, nonce);
    }

    /// <summary>A page with a heading and a paragraph: thanks (with the patient's pain so far, when given), closed, not found, slow down.</summary>
    /// <param name="after">Markup this code wrote (never patient input) to put under the message, e.g. a confirmation button.</param>
    public static string Message(string locale, string title, string message, string nonce, CareContact contact,
        IReadOnlyList<PainPoint>? pain = null, bool baselineKnown = true, string? after = null)
    {
        var body = new Html()
            .Element("h1", title)
            .Element("p", message);
        if (after is not null) body.Raw(after);
        if (pain is { Count: > 0 }) PainChart(body, locale, pain, baselineKnown);
        body.Element("p", InstrumentTexts.UrgentCareNote(locale, contact), ("class", "note"));
        return Page(locale, title, body, nonce);
    }

    /// <summary>
    /// The patient's pain so far, baseline first: one bar per timepoint with its value on top, 0–10 up. The list under
    /// it says the same in words, so the numbers do not depend on seeing the chart.
    /// </summary>
    private static void PainChart(Html body, string locale, IReadOnlyList<PainPoint> pain, bool baselineKnown)
    {
        var text = InstrumentTexts.WebForm(locale);
        const int width = 320, height = 200, left = 28, top = 16, bottom = 36, plot = height - top - bottom;
        var slot = (width - left - 8) / (double)Math.Max(pain.Count, 1);
        var bar = Math.Min(48, slot * 0.6);
        var svg = new System.Text.StringBuilder();
        svg.Append($"""<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="pain-chart-title pain-chart-intro" focusable="false">""");
        foreach (var tick in new[] { 0, 5, 10 })
        {
            var y = top + plot - plot * tick / 10.0;
            svg.Append(FormattableString.Invariant($"""<line x1="{left}" x2="{width - 4}" y1="{y:0.#}" y2="{y:0.#}" stroke="#c3c8cf" stroke-width="1"/>"""));
            svg.Append(FormattableString.Invariant($"""<text x="{left - 6}" y="{y + 4:0.#}" font-size="12" text-anchor="end" fill="#3d4650">{tick}</text>"""));
        }
        for (var i = 0; i < pain.Count; i++)
        {
            var point = pain[i];
            var x = left + slot * i + (slot - bar) / 2;
            var h = Math.Max(plot * point.Pain / 10.0, 2);
            var y = top + plot - h;
            var label = System.Net.WebUtility.HtmlEncode(ShortLabel(text.TimepointLabel(point.Timepoint)));
            svg.Append(FormattableString.Invariant($"""<rect x="{x:0.#}" y="{y:0.#}" width="{bar:0.#}" height="{h:0.#}" rx="3" fill="#0b5cad"/>"""));
            svg.Append(FormattableString.Invariant($"""<text x="{x + bar / 2:0.#}" y="{y - 4:0.#}" font-size="13" font-weight="700" text-anchor="middle" fill="#1b1b1b">{point.Pain}</text>"""));
            svg.Append(FormattableString.Invariant($"""<text x="{x + bar / 2:0.#}" y="{height - bottom + 16:0.#}" font-size="11" text-anchor="middle" fill="#1b1b1b">{label}</text>"""));
        }
        svg.Append("</svg>");

        body.Open("figure", ("aria-labelledby", "pain-chart-title"));
        body.Element("h2", text.ChartTitle, ("id", "pain-chart-title"));
        body.Element("p", text.ChartIntro, ("id", "pain-chart-intro"), ("class", "hint"));
        body.Raw(svg.ToString());
        body.Open("ul");
        foreach (var point in pain)
            body.Element("li", string.Format(System.Globalization.CultureInfo.InvariantCulture, text.ChartPointFormat,
                text.TimepointLabel(point.Timepoint), point.Pain));
        body.Close("ul");
        if (!baselineKnown) body.Element("p", text.ChartNoBaseline, ("class", "hint"));
        body.Close("figure");
    }

    /// <summary>The axis label under a bar: "Before your procedure" is too wide for it and becomes its first word.</summary>
    private static string ShortLabel(string label) => label.Length <= 12 ? label : label.Split(' ')[0];

    private static void Item(Html body, ItemDefinition item, FormModel model)
    {
        var itemText = InstrumentTexts.For(item.Code, model.Locale);
        var hasError = model.Errors.TryGetValue(item.Code, out var error);
        var errorId = "err-" + Slug(item.Code);
        var hintId = "hint-" + Slug(item.Code);
        var describedBy = string.Join(' ', new[] { itemText.Hint is null ? null : hintId, hasError ? errorId : null }.OfType<string>());
        body.Open("fieldset", ("id", "q-" + Slug(item.Code)), ("class", hasError ? "invalid" : null), ("data-item", Slug(item.Code)),
            ("aria-describedby", describedBy.Length > 0 ? describedBy : null), ("aria-invalid", hasError ? "true" : null));
        body.Element("legend", itemText.Question);
        if (itemText.Hint is { } hint) body.Element("p", hint, ("class", "hint"), ("id", hintId));
        if (hasError) body.Element("p", error, ("class", "error"), ("id", errorId));

        model.Values.TryGetValue(item.Code, out var chosen);
        foreach (var value in Levels(item))
        {
            var id = FieldId(item.Code, value);
            body.Open("label", ("class", "option"), ("for", id));
            body.Open("input", ("type", "radio"), ("id", id), ("name", item.Code), ("value", value.ToString()),
                ("checked", chosen == value.ToString() ? "" : null));
            body.Element("span", value.ToString(), ("class", "value"));
            if (itemText.AnchorFor(value) is { } anchor) body.Element("span", anchor, ("class", "anchor"));
            body.Close("label");
        }
        body.Close("fieldset");
    }

    /// <summary>Pain scales read from 0 up; MSTS lists its best level (5) first, as the published form does.</summary>
    private static IEnumerable<int> Levels(ItemDefinition item)
    {
        var ascending = Enumerable.Range(item.Min, item.Max - item.Min + 1);
        return ItemCodes.IsMsts(item.Code) ? ascending.Reverse() : ascending;
    }

    /// <summary>The id of a radio; the error summary links to the item's first one so following the link focuses the group.</summary>
    private static string FieldId(string itemCode, int value) => $"{Slug(itemCode)}-{value}";

    private static string Slug(string text) =>
        new([.. text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    /// <summary>
    /// Once an item with an error is answered its error goes: the message beside it, <c>aria-invalid</c>, its line in the
    /// summary, and the summary itself when nothing is left in it. The server checks everything again on submit.
    /// </summary>
    private const string ClearAnswered = """
        document.addEventListener('change', function (e) {
          var set = e.target.closest && e.target.closest('fieldset.invalid');
          if (!set) return;
          set.classList.remove('invalid');
          set.removeAttribute('aria-invalid');
          var error = set.querySelector('.error');
          if (error) {
            set.setAttribute('aria-describedby', (set.getAttribute('aria-describedby') || '').replace(error.id, '').trim());
            if (!set.getAttribute('aria-describedby')) set.removeAttribute('aria-describedby');
            error.remove();
          }
          var line = document.querySelector('.errors li[data-item="' + set.dataset.item + '"]');
          if (line) line.remove();
          var summary = document.getElementById('errors');
          if (summary && !summary.querySelector('li')) summary.remove();
        });
        """;

    private static string Page(string locale, string title, Html body, string nonce) => new Html()
        .Raw("<!DOCTYPE html>")
        .Open("html", ("lang", locale))
        .Open("head")
        .Open("meta", ("charset", "utf-8"))
        .Open("meta", ("name", "viewport"), ("content", "width=device-width, initial-scale=1"))
        .Open("meta", ("name", "robots"), ("content", "noindex, nofollow"))
        .Element("title", title)
        .Open("link", ("rel", "icon"), ("href", Favicon.Path), ("type", Favicon.ContentType))
        .Open("style", ("nonce", nonce)).Raw(Styles).Close("style")
        .Close("head")
        .Open("body").Open("main").Raw(body.ToString()).Close("main")
        .Open("script", ("nonce", nonce)).Raw(ClearAnswered).Close("script")
        .Close("body")
        .Close("html")
        .ToString();

    /// <summary>The sections of a survey: one per instrument, each item once (the MSTS variants share three).</summary>
    public static IReadOnlyList<FormSection> SectionsOf(IReadOnlyList<string> instruments, string locale)
    {
        var shown = new HashSet<string>();
        var sections = new List<FormSection>();
        foreach (var instrument in instruments.Where(InstrumentCatalog.IsInstrument))
        {
            var items = InstrumentCatalog.ItemsOf(instrument).Where(item => shown.Add(item.Code)).ToList();
            if (items.Count > 0) sections.Add(new FormSection(InstrumentTexts.InstrumentTitle(instrument, locale), items));
        }
        return sections;
    }
}
