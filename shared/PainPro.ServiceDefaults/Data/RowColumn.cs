namespace PainPro.ServiceDefaults.Data;

/// <summary>One column of the rows <see cref="SqlDialect.Rows{TRow}"/> sends to the database as a table.</summary>
public sealed class RowColumn<TRow>
{
    private readonly Func<TRow, object?> cell;
    private readonly Func<IReadOnlyList<TRow>, Array> array;

    internal RowColumn(string name, Type valueType, Func<TRow, object?> cell, Func<IReadOnlyList<TRow>, Array> array)
    {
        Name = name;
        ValueType = valueType;
        this.cell = cell;
        this.array = array;
    }

    public string Name { get; }

    /// <summary>The .NET type of the column's values (its SQL type in SQL Server's <c>OPENJSON … WITH</c>).</summary>
    internal Type ValueType { get; }

    /// <summary>The value of one row (a parameter per cell: SQLite).</summary>
    internal object? Cell(TRow row) => cell(row);

    /// <summary>The values of every row as a typed array (one array parameter per column: PostgreSQL).</summary>
    internal Array Array(IReadOnlyList<TRow> rows) => array(rows);
}

public static class RowColumn
{
    /// <summary>A column named <paramref name="name"/> holding <paramref name="value"/> of each row.</summary>
    public static RowColumn<TRow> Of<TRow, TValue>(string name, Func<TRow, TValue> value) => new(
        name,
        typeof(TValue),
        row => value(row),
        rows =>
        {
            var values = new TValue[rows.Count];
            for (var i = 0; i < values.Length; i++) values[i] = Utc(value(rows[i]));
            return values;
        });

    // Dapper's type handler makes single instants UTC; array elements bypass it, and Npgsql writes timestamptz only at offset 0.
    private static TValue Utc<TValue>(TValue value) =>
        value is DateTimeOffset instant && instant.Offset != TimeSpan.Zero ? (TValue)(object)instant.ToUniversalTime() : value;
}
