using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace PainPro.Reliability.Tests.Support;

/// <summary>Assertions on what the services answer: the 4xx with a problem-details body that bad input must get.</summary>
public static class Http
{
    public const string ProblemJson = "application/problem+json";

    /// <summary>Asserts the status and a problem-details body (JSON with <c>status</c> and <c>title</c>); returns the body.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {Shorten(text)}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == ProblemJson,
            $"{what}: expected a problem-details body, got '{response.Content.Headers.ContentType}': {Shorten(text)}");
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.True(problem["status"]?.GetValue<int>() == (int)status, $"{what}: the problem's status is not {(int)status}: {Shorten(text)}");
        Assert.True(problem["title"] is not null, $"{what}: the problem has no title: {Shorten(text)}");
        return problem;
    }

    /// <summary>A validation problem (400) whose <c>errors</c> name <paramref name="field"/> (case-insensitive, or a path under it).</summary>
    public static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field, string what)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, what);
        var errors = problem["errors"]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"{what}: the 400 names no field: {problem.ToJsonString()}");
        Assert.True(errors.Any(e => e.Key.Equals(field, StringComparison.OrdinalIgnoreCase) || e.Key.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase)),
            $"{what}: the 400 does not name '{field}': {problem.ToJsonString()}");
    }

    public static bool IsServerError(HttpResponseMessage response) => (int)response.StatusCode >= 500;

    public static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}

/// <summary>Read-only look-ups in a service's tables, for counting from the outside what an API does not show.</summary>
public static class Sql
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return (await connection.QueryAsync<T>(sql, parameters, commandTimeout: 120)).AsList();
    }
}
