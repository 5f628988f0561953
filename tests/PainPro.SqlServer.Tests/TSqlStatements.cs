using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace PainPro.SqlServer.Tests;

/// <summary>One statement (or migration batch) as SQL Server would receive it, and where it is written.</summary>
public sealed record TSqlStatement(string File, int Line, string Sql, bool SqlServerOnly)
{
    /// <summary>Stable across edits elsewhere in the file: the file and a hash of the statement's words.</summary>
    public string Key => $"{File}#{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Regex.Replace(Sql, @"\s+", " ").Trim())))[..10]}";

    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A parse error, at the line and column of the file the statement is written in.</summary>
public sealed record TSqlError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>
/// Finds the statements PainPro can send to SQL Server — the batches of every <c>Migrations/sqlserver/*.sql</c>, the
/// SQL string literals in the services' code — and parses them with ScriptDom's newest T-SQL parser.
/// </summary>
public static partial class TSqlStatements
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PainPro.sln"))) return dir.FullName;
        throw new InvalidOperationException("PainPro.sln not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<string> MigrationFiles() =>
        new[] { "shared", "services" }.SelectMany(top => Directory.EnumerateFiles(Path.Combine(RepositoryRoot, top), "*.sql", SearchOption.AllDirectories))
            .Where(f => f.Replace('\\', '/').Contains("/Migrations/sqlserver/"))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> CodeFiles() =>
        new[] { "shared", "services" }.SelectMany(top => Directory.EnumerateFiles(Path.Combine(RepositoryRoot, top), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Replace('\\', '/').Contains("/obj/") && !f.Replace('\\', '/').Contains("/bin/"))
            .Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/');

    /// <summary>A migration's batches (split at lines holding only GO), each with the line it starts on.</summary>
    public static IEnumerable<TSqlStatement> Batches(string path, string? text = null)
    {
        var lines = (text ?? File.ReadAllText(path)).Split('\n');
        var batch = new StringBuilder();
        var start = 1;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i == lines.Length || GoLine().IsMatch(lines[i]))
            {
                if (batch.ToString().Trim().Length > 0) yield return new TSqlStatement(Relative(path), start, batch.ToString(), SqlServerOnly: true);
                batch.Clear();
                start = i + 2;
                continue;
            }
            batch.Append(lines[i].TrimEnd('\r')).Append('\n');
        }
    }

    [GeneratedRegex(@"^\s*GO\s*(--.*)?\r?$", RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    /// <summary>
    /// The SQL string literals of a C# file: regular, verbatim and raw (interpolated or not) literals whose text starts
    /// with a statement keyword. A literal right after <c>IsSqlServer ?</c> is SQL Server's own branch; the literal of
    /// the other branch (after its <c>:</c>) is not sent to SQL Server and is left out.
    /// </summary>
    public static IEnumerable<TSqlStatement> InCode(string path, string? text = null)
    {
        var source = text ?? File.ReadAllText(path);
        var skipNextAlternative = false;
        foreach (Match m in Literal().Matches(source))
        {
            var body = m.Groups["raw"].Success ? m.Groups["raw"].Value : m.Groups["verbatim"].Success ? m.Groups["verbatim"].Value.Replace("\"\"", "\"")
                : m.Groups["interpolated"].Success ? m.Groups["interpolated"].Value : m.Groups["regular"].Value;
            // A comment between "IsSqlServer" and "?" (or ":" and the literal) says why; it does not change the branch.
            var before = FullLineComments().Replace(source[Math.Max(0, m.Index - 600)..m.Index], "").TrimEnd();
            var sqlServerBranch = before.EndsWith("IsSqlServer ?", StringComparison.Ordinal) || before.EndsWith("IsSqlServer\n?", StringComparison.Ordinal)
                || Regex.IsMatch(before, @"IsSqlServer\s*\?$");
            var alternative = before.EndsWith(':');
            if (!StatementStart().IsMatch(body)) { skipNextAlternative = false; continue; }
            if (alternative && skipNextAlternative) { skipNextAlternative = false; continue; }
            skipNextAlternative = sqlServerBranch;
            var line = source.AsSpan(0, m.Index).Count('\n') + 1;
            var interpolated = m.Groups["dollar"].Value.Length;
            yield return new TSqlStatement(Relative(path), line, Render(body, interpolated), sqlServerBranch);
        }
    }

    // An interpolated regular literal's holes may hold quotes of their own: {db.Dialect.Limit("@limit")}.
    [GeneratedRegex("(?<dollar>\\$*)(?:\"\"\"(?<raw>[\\s\\S]*?)\"\"\"|@\"(?<verbatim>(?:[^\"]|\"\")*)\"|(?<=\\$)\"(?<interpolated>(?:\\{\\{|\\}\\}|\\{[^{}\\n]*\\}|[^\"\\\\\\n{}]|\\\\.)*)\"|\"(?<regular>(?:[^\"\\\\\\n]|\\\\.)*)\")")]
    private static partial Regex Literal();

    [GeneratedRegex(@"^[ \t]*//[^\n]*\n", RegexOptions.Multiline)]
    private static partial Regex FullLineComments();

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH\s+\w+|MERGE|CREATE|ALTER|DROP|IF\s|DECLARE|EXEC|SET\s+\w+\s+=|TRUNCATE)\b")]
    private static partial Regex StatementStart();

    /// <summary>
    /// The text SQL Server receives: interpolation holes rendered as the SQL Server dialect renders them, and Dapper's
    /// list parameters (<c>IN @ids</c>) expanded as Dapper expands them.
    /// </summary>
    public static string Render(string body, int dollars)
    {
        var sql = body;
        if (dollars > 0)
        {
            var open = new string('{', dollars);
            var close = new string('}', dollars);
            sql = Regex.Replace(sql, Regex.Escape(open) + @"(?<expr>[^{}]+?)" + Regex.Escape(close), h => Hole(h.Groups["expr"].Value));
        }
        return Regex.Replace(sql, @"\bIN\s+@(\w+)", "IN (@$1_1, @$1_2)", RegexOptions.IgnoreCase);
    }

    private static string Hole(string expr) => expr switch
    {
        _ when expr.Contains("ClaimHint") => PainPro.ServiceDefaults.Data.SqlDialect.SqlServer.ClaimHint,
        _ when expr.Contains("ForUpdateSkipLocked") => PainPro.ServiceDefaults.Data.SqlDialect.SqlServer.ForUpdateSkipLocked,
        _ when expr.Contains("Limit(") => PainPro.ServiceDefaults.Data.SqlDialect.SqlServer.Limit("@limit"),
        _ when expr.Contains("InGuids(") => "id IN ('00000000-0000-0000-0000-000000000001')",
        _ when expr.Contains("InStrings(") => "x IN (@p_1, @p_2)",
        _ when expr.Contains("Literals(") => "('a', 'b')",
        _ => "1",  // a value, a column or a fragment the scan cannot know; a statement it breaks is listed as unported
    };

    public static IReadOnlyList<TSqlError> Parse(TSqlStatement statement)
    {
        var parser = new TSql180Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader(statement.Sql), out var errors);
        return errors.Select(e => new TSqlError(statement.File, statement.Line + e.Line - 1, e.Column, e.Message)).ToList();
    }
}
