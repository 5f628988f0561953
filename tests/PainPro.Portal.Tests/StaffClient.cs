using System.Net;
using System.Text.RegularExpressions;

namespace PainPro.Portal.Tests;

/// <summary>A browser without a browser: an HttpClient with cookies that signs in through the real sign-in form.</summary>
public sealed partial class StaffClient : IDisposable
{
    private readonly HttpClient http;

    public StaffClient(string baseUrl)
    {
        http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Http => http;

    public async Task<HttpResponseMessage> SignInAsync(string userName, string password = PortalSystem.Password)
    {
        var token = await AntiforgeryTokenAsync("/login");
        return await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["UserName"] = userName,
            ["Password"] = password,
        }));
    }

    public async Task<string> AntiforgeryTokenAsync(string page)
    {
        var html = await http.GetStringAsync(page);
        return WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
    }

    /// <summary>Posts a page's form with a fresh antiforgery token from <paramref name="page"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, IDictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(page) };
        return await http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
