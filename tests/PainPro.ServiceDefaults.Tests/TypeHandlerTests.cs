using Dapper;
using Npgsql;
using PainPro.ServiceDefaults.Data;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>
/// PainPro's Dapper handlers are process-wide: Hangfire's PostgreSQL storage, another Dapper user in the same
/// process, must see Dapper's own behaviour for GUIDs and instants.
/// </summary>
public class TypeHandlerTests
{
    [Fact]
    public async Task On_PostgreSQL_GUIDs_and_instants_bind_as_uuid_and_timestamptz_and_read_back_unchanged_as_Dapper_would()
    {
        TypeHandlers.Register();
        await using var database = await PostgresDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var id = Guid.NewGuid();
        var instant = new DateTimeOffset(2026, 11, 20, 14, 0, 0, TimeSpan.FromHours(-5));

        var types = await connection.ExecuteScalarAsync<string>("SELECT pg_typeof(@id)::text || ',' || pg_typeof(@instant)::text", new { id, instant });
        var back = await connection.QuerySingleAsync<(Guid Id, DateTimeOffset Instant, DateTime Plain)>(
            "SELECT @id, @instant, @instant::timestamptz", new { id, instant });

        Assert.Equal("uuid,timestamp with time zone", types);
        Assert.Equal(id, back.Id);
        Assert.Equal(instant, back.Instant);
        Assert.Equal(TimeSpan.Zero, back.Instant.Offset);
        // A library that reads instants as DateTime (Hangfire does) gets the UTC DateTime Npgsql gives.
        Assert.Equal(instant.UtcDateTime, back.Plain);
        Assert.Equal(DateTimeKind.Utc, back.Plain.Kind);
    }
}
