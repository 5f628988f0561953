using System.Data.Common;
using Dapper;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// The isolation PainPro needs from a SQL Server database: <c>READ_COMMITTED_SNAPSHOT ON</c>, checked before migrating.
/// </summary>
/// <remarks>
/// Every statement was written for PostgreSQL's read committed, where a read never waits for a writer and sees the
/// last committed row. SQL Server gives that only with <c>READ_COMMITTED_SNAPSHOT ON</c> (Azure SQL Database's default;
/// off by default on SQL Server itself). With it off, reads take shared locks: the web form, the worklist and the
/// reply webhook then wait behind the claim and the relay, and read-then-update transactions deadlock. The claims
/// themselves work either way — <c>WITH (READPAST, UPDLOCK, ROWLOCK)</c> takes update locks, so it locks and skips
/// rows under row versioning too — so it is the rest that needs the option. Refused at start-up, naming the fix.
/// </remarks>
public static class SqlServerIsolation
{
    public static async Task CheckAsync(DbConnection connection, string database)
    {
        var on = await connection.ExecuteScalarAsync<int?>(MigrationRunner.SqlServerStatements.ReadCommittedSnapshot);
        if (on != 1) throw new InvalidOperationException(Refusal(database));
    }

    public static string Refusal(string database) =>
        $"{database} has READ_COMMITTED_SNAPSHOT OFF; PainPro needs it ON (reads must not wait for writers). " +
        "Run ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE (Azure SQL Database has it on already).";
}
