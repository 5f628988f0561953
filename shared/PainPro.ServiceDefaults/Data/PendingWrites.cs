using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;

namespace PainPro.ServiceDefaults.Data;

/// <summary>
/// A session's writes that wait for its next statement (<see cref="DbSession.Write"/>): sent together as one
/// <see cref="DbBatch"/>, one round trip for what would be several. Each statement keeps its own text and parameters,
/// so PostgreSQL's prepared statements still match it.
/// </summary>
internal sealed partial class PendingWrites
{
    private readonly List<(string Sql, object? Param)> writes = [];

    public int Count => writes.Count;

    /// <summary>Queues the write, or false when its parameters cannot be bound here (the caller runs it through Dapper).</summary>
    public bool TryAdd(string sql, object? param)
    {
        if (!CanBind(param)) return false;
        writes.Add((sql, param));
        return true;
    }

    /// <summary>Parameters are null or a plain object of scalar properties (not Dapper's DynamicParameters, not a list).</summary>
    public static bool CanBind(object? param) => param is null || Properties.GetOrAdd(param.GetType(), Describe) is not null;

    /// <summary>Sends the waiting writes, then <paramref name="last"/> if given, in one round trip; returns the last one's row count.</summary>
    public async Task<int> SendAsync(DbConnection connection, DbTransaction transaction, (string Sql, object? Param)? last)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var (sql, param) in writes) batch.BatchCommands.Add(Command(batch, sql, param));
        if (last is { } statement) batch.BatchCommands.Add(Command(batch, statement.Sql, statement.Param));
        // Cleared first: a failed batch is the transaction's failure, never sent a second time.
        writes.Clear();
        await batch.ExecuteNonQueryAsync();
        return last is null ? 0 : batch.BatchCommands[^1].RecordsAffected;
    }

    private static DbBatchCommand Command(DbBatch batch, string sql, object? param)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        if (param is null) return command;
        var referenced = ParameterNames(sql);
        foreach (var property in Properties[param.GetType()]!)
        {
            if (!referenced.TryGetValue(property.Name, out var name)) continue;
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = property.DbType;
            var value = property.Get(param);
            parameter.Value = value switch
            {
                null => DBNull.Value,
                // timestamptz takes instants at offset zero only (as the Dapper handler does).
                DateTimeOffset instant => instant.ToUniversalTime(),
                _ => value,
            };
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private sealed record Property(string Name, DbType DbType, Func<object, object?> Get);

    private static readonly ConcurrentDictionary<Type, Property[]?> Properties = new();

    private static readonly ConcurrentDictionary<string, Dictionary<string, string>> Names = new();

    /// <summary>The <c>@name</c>s a statement uses, by name ignoring case (as Dapper binds them), each as written.</summary>
    private static Dictionary<string, string> ParameterNames(string sql) => Names.GetOrAdd(sql, text =>
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in ParameterToken().Matches(text)) names.TryAdd(match.Groups[1].Value, match.Groups[1].Value);
        return names;
    });

    /// <summary>The object's readable properties with the database type of each, or null when one has a type not mapped here.</summary>
    private static Property[]? Describe(Type type)
    {
        if (type.IsPrimitive || type == typeof(string) || typeof(System.Collections.IEnumerable).IsAssignableFrom(type)) return null;
        var properties = new List<Property>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0) continue;
            if (DbTypeOf(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is not { } dbType) return null;
            properties.Add(new Property(property.Name, dbType, property.GetValue));
        }
        return [.. properties];
    }

    private static DbType? DbTypeOf(Type type) =>
        type == typeof(string) ? DbType.String
        : type == typeof(Guid) ? DbType.Guid
        : type == typeof(DateTimeOffset) ? DbType.DateTimeOffset
        : type == typeof(int) ? DbType.Int32
        : type == typeof(long) ? DbType.Int64
        : type == typeof(short) ? DbType.Int16
        : type == typeof(bool) ? DbType.Boolean
        : type == typeof(double) ? DbType.Double
        : type == typeof(decimal) ? DbType.Decimal
        : null;

    // Not preceded by another @ (SQL Server's @@ROWCOUNT) or a word character (an e-mail address in a literal).
    [GeneratedRegex(@"(?<![@\w])@(\w+)")]
    private static partial Regex ParameterToken();
}
