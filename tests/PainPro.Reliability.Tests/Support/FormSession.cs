using System.Net;

namespace PainPro.Reliability.Tests.Support;

/// <summary>One browser that opened a survey form: its antiforgery cookie and the form's token.</summary>
public sealed class FormSession(HttpClient client, string fieldName, string requestToken)
{
    public string FieldName { get; } = fieldName;
    public string RequestToken { get; } = requestToken;

    public static async Task<FormSession> OpenAsync(SystemUnderTest system, string surveyToken)
    {
        var client = system.Client();
        var page = await client.GetStringAsync($"/s/{surveyToken}");
        var field = SystemUnderTest.AntiforgeryField().Match(page);
        Assert.True(field.Success, "the survey form has no antiforgery field");
        return new FormSession(client, "__RequestVerificationToken", WebUtility.HtmlDecode(field.Groups[1].Value));
    }

    /// <summary>Posts answers with this browser's cookie and (unless told otherwise) its own form token.</summary>
    public Task<HttpResponseMessage> PostAsync(string surveyToken, IEnumerable<KeyValuePair<string, string>> answers, string? requestToken = null) =>
        client.PostAsync($"/s/{surveyToken}", new FormUrlEncodedContent(answers.Append(KeyValuePair.Create(FieldName, requestToken ?? RequestToken))));
}
