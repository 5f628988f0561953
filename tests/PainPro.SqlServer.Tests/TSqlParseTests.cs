using PainPro.ServiceDefaults.Data;

namespace PainPro.SqlServer.Tests;

/// <summary>
/// No SQL Server runs where PainPro is built, so every statement PainPro can send to one is at least parsed here, by
/// ScriptDom's newest T-SQL parser (<c>TSql180Parser</c>); a statement that does not parse fails with its file and line.
/// </summary>
public sealed class TSqlParseTests
{
    private static string Report(IEnumerable<TSqlError> errors) => string.Join("\n", errors.Select(e => "  " + e));

    [Fact]
    public void Every_sqlserver_migration_batch_parses()
    {
        var files = TSqlStatements.MigrationFiles().ToList();
        // The platform and every service have their SQL Server migrations.
        foreach (var owner in new[] { "PainPro.ServiceDefaults", "PainPro.Scheduling", "PainPro.Messaging", "PainPro.Ingestion", "PainPro.Portal" })
            Assert.Contains(files, f => f.Contains($"/{owner}/Migrations/sqlserver/"));
        var errors = files.SelectMany(f => TSqlStatements.Batches(f)).SelectMany(TSqlStatements.Parse).ToList();
        Assert.True(errors.Count == 0, "SQL Server migrations that do not parse:\n" + Report(errors));
    }

    [Fact]
    public void Every_sqlserver_migration_has_the_same_numbers_as_postgres()
    {
        foreach (var postgres in new[] { "shared", "services" }.SelectMany(top => Directory.EnumerateDirectories(Path.Combine(TSqlStatements.RepositoryRoot, top), "postgres", SearchOption.AllDirectories))
                     .Where(d => d.Replace('\\', '/').EndsWith("/Migrations/postgres", StringComparison.Ordinal) && !d.Contains("/bin/") && !d.Contains("/obj/")))
        {
            var names = Directory.EnumerateFiles(postgres, "*.sql").Select(Path.GetFileName).Order().ToList();
            var sqlserver = Path.Combine(Path.GetDirectoryName(postgres)!, "sqlserver");
            var ours = Directory.Exists(sqlserver) ? Directory.EnumerateFiles(sqlserver, "*.sql").Select(Path.GetFileName).Order().ToList() : [];
            Assert.True(names.SequenceEqual(ours), $"{TSqlStatements.Relative(postgres)} has {string.Join(", ", names.Except(ours))} without a SQL Server twin");
        }
    }

    [Fact]
    public void Every_statement_written_for_sql_server_in_code_parses()
    {
        var statements = TSqlStatements.CodeFiles().SelectMany(f => TSqlStatements.InCode(f)).Where(s => s.SqlServerOnly).ToList();
        Assert.NotEmpty(statements);
        var errors = statements.SelectMany(TSqlStatements.Parse).ToList();
        Assert.True(errors.Count == 0, "T-SQL branches that do not parse:\n" + Report(errors));
    }

    [Fact]
    public void The_migration_runner_and_the_dialect_write_statements_sql_server_parses()
    {
        var runner = new[]
        {
            MigrationRunner.SqlServerStatements.Lock, MigrationRunner.SqlServerStatements.Unlock,
            MigrationRunner.SqlServerStatements.SchemaAndUser("scheduling", DatabaseConnector.SqlServerUser("scheduling")),
            MigrationRunner.SqlServerStatements.Impersonate(DatabaseConnector.SqlServerUser("scheduling")),
            MigrationRunner.SqlServerStatements.Revert, MigrationRunner.SqlServerStatements.CreateSchemaMigrations,
            MigrationRunner.SqlServerStatements.ReadCommittedSnapshot,
        };
        var dialect = SqlDialect.SqlServer;
        var (table, parameters) = dialect.Rows("v", new[] { (Id: Guid.CreateVersion7(), At: DateTimeOffset.UtcNow, N: 3, Text: "x") },
            RowColumn.Of<(Guid Id, DateTimeOffset At, int N, string Text), Guid>("id", r => r.Id),
            RowColumn.Of<(Guid Id, DateTimeOffset At, int N, string Text), DateTimeOffset>("at", r => r.At),
            RowColumn.Of<(Guid Id, DateTimeOffset At, int N, string Text), int>("n", r => r.N),
            RowColumn.Of<(Guid Id, DateTimeOffset At, int N, string Text), string>("note", r => r.Text));
        var generated = new[]
        {
            $"WITH {table} UPDATE s SET s.note = v.note FROM surveys AS s JOIN v ON s.id = v.id",
            $"SELECT id FROM outbox{dialect.ClaimHint} WHERE sent_at IS NULL ORDER BY seq {dialect.Limit("@limit")}",
        };
        var errors = runner.Concat(generated)
            .Select((sql, i) => new TSqlStatement("(generated)", i + 1, sql, true))
            .SelectMany(TSqlStatements.Parse).ToList();
        Assert.True(errors.Count == 0, Report(errors));
        Assert.Single(parameters.ParameterNames);
    }

    [Fact]
    public void A_broken_migration_is_reported_with_its_file_and_line()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "broken_migration.sql");
        var errors = TSqlStatements.Batches(fixture).SelectMany(TSqlStatements.Parse).ToList();
        var error = Assert.Single(errors);
        Assert.EndsWith("broken_migration.sql", error.File);
        Assert.Equal(8, error.Line);  // SELECT … LIMIT 10: T-SQL has no LIMIT
    }

    [Fact]
    public void A_broken_statement_in_code_is_reported_with_its_file_and_line()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "BrokenQueries.cs.txt");
        var statements = TSqlStatements.InCode(fixture).ToList();
        // Only the SQL Server branch is SQL Server's; the PostgreSQL branch after ':' is not checked.
        var statement = Assert.Single(statements);
        Assert.True(statement.SqlServerOnly);
        var error = Assert.Single(TSqlStatements.Parse(statement));
        Assert.Equal(7, error.Line);  // the LIMIT line
    }

    /// <summary>
    /// The statements shared by every dialect are sent to SQL Server as they are. Those that are not T-SQL yet (ON
    /// CONFLICT, RETURNING, LIMIT, FOR UPDATE SKIP LOCKED…) are listed in <c>unported-statements.txt</c>: the list is
    /// exact — a statement that stops parsing fails here, and one ported (or removed) must leave the list.
    /// </summary>
    [Fact]
    public void Statements_shared_with_sql_server_parse_unless_listed_as_not_yet_ported()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "unported-statements.txt"));
        var listed = lines.Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ')[0]).ToHashSet();
        var shared = TSqlStatements.CodeFiles().SelectMany(f => TSqlStatements.InCode(f)).Where(s => !s.SqlServerOnly).ToList();
        var failing = shared.Where(s => TSqlStatements.Parse(s).Count > 0).ToList();
        var newlyBroken = failing.Where(s => !listed.Contains(s.Key)).ToList();
        var stale = listed.Except(failing.Select(s => s.Key)).ToList();
        if (Environment.GetEnvironmentVariable("PAINPRO_WRITE_UNPORTED") is { Length: > 0 } target)
            File.WriteAllLines(target, lines.TakeWhile(l => l.StartsWith('#'))
                .Concat(failing.Select(s => $"{s.Key} {s.File}:{s.Line}").Distinct().Order(StringComparer.Ordinal)));
        Assert.True(newlyBroken.Count == 0,
            "Statements sent to SQL Server that do not parse (port them: an IsSqlServer branch):\n" +
            Report(newlyBroken.SelectMany(TSqlStatements.Parse)));
        Assert.True(stale.Count == 0, "Listed as unported but parse now (or are gone); remove from unported-statements.txt:\n  " + string.Join("\n  ", stale));
    }
}
