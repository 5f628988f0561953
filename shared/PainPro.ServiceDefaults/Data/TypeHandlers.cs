using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// Dapper handlers so the same code reads and writes GUIDs and instants on both dialects:
/// PostgreSQL has <c>uuid</c> and <c>timestamptz</c>; SQLite stores both as sortable text.
/// </summary>
/// <remarks>
/// Dapper's handlers are process-wide, and a handler for <see cref="Guid"/> or <see cref="DateTimeOffset"/> only
/// takes effect once Dapper's own mapping of the type is removed, so other Dapper users in the process (Hangfire's
/// PostgreSQL storage) get these handlers too. They are written to be invisible to them: a parameter of any provider
/// but SQLite gets exactly what Dapper's own mapping gives it (<see cref="DbType.Guid"/>,
/// <see cref="DbType.DateTimeOffset"/>; an instant at offset zero, which is all <c>timestamptz</c> accepts), and
/// reading accepts what Dapper's mapping accepts and more. <c>TypeHandlerTests</c> pins this.
/// </remarks>
internal static class TypeHandlers
{
    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        // Dapper maps these types itself unless their built-in mapping is removed first.
        foreach (var type in new[] { typeof(Guid), typeof(Guid?), typeof(DateTimeOffset), typeof(DateTimeOffset?) })
            SqlMapper.RemoveTypeMap(type);
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new InstantHandler());
    }

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            if (parameter is SqliteParameter) { parameter.DbType = DbType.String; parameter.Value = value.ToString(); }
            else { parameter.DbType = DbType.Guid; parameter.Value = value; }
        }

        public override Guid Parse(object value) => value switch
        {
            Guid g => g,
            string s => Guid.Parse(s),
            byte[] b => new Guid(b),
            _ => throw new DataException($"Cannot read a GUID from {value.GetType().Name}."),
        };
    }

    private sealed class InstantHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        // Always UTC on the way in: Npgsql requires offset 0 for timestamptz, and SQLite text sorts correctly only in one offset.
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            var utc = value.ToUniversalTime();
            if (parameter is SqliteParameter) { parameter.DbType = DbType.String; parameter.Value = Format(utc); }
            else { parameter.DbType = DbType.DateTimeOffset; parameter.Value = utc; }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new DataException($"Cannot read an instant from {value.GetType().Name}."),
        };
    }

    /// <summary>Fixed-width UTC text, so SQLite compares instants correctly as strings.</summary>
    public static string Format(DateTimeOffset utc) =>
        utc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture);
}
