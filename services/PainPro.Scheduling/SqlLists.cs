using System.Text;
using Dapper;
using PainPro.ServiceDefaults.Data;

namespace PainPro.Scheduling;

internal static class SqlLists
{
    /// <summary>
    /// <c>('a', 'b')</c> for a list of known constants (survey statuses): literal, so PostgreSQL can match the partial
    /// indexes written with them. Never for user input. GUID sets use <c>SqlDialect.InGuids</c>.
    /// </summary>
    public static string Literals(IEnumerable<string> constants) => "(" + string.Join(", ", constants.Select(v => $"'{v}'")) + ")";

    /// <summary>
    /// "Column is one of these strings" with the strings as a parameter: Dapper expands <c>IN @list</c> into one
    /// parameter per item, except on Npgsql, where it sends the array whole and PostgreSQL needs <c>= ANY(@list)</c>.
    /// </summary>
    public static string InStrings(SqlDialect dialect, string column, string parameter) =>
        dialect == SqlDialect.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>
    /// How many rows one multi-row <c>INSERT</c> should carry. PostgreSQL saves a network round trip per row. SQLite is
    /// in-process, so there is no round trip to save, and it binds each parameter by a name lookup that grows with the
    /// statement: big statements cost it more than they save.
    /// </summary>
    public static int RowsPerInsert(SqlDialect dialect) => dialect == SqlDialect.Postgres ? 400 : 20;

    /// <summary>
    /// <c>(@p0_0, @p0_1, …), (@p1_0, …)</c> and its parameters, for one multi-row <c>INSERT … VALUES</c> instead of a
    /// statement per row; chunk rows by <see cref="RowsPerInsert"/>.
    /// </summary>
    public static (string Values, DynamicParameters Parameters) Values<T>(IReadOnlyList<T> rows, params Func<T, object?>[] columns)
    {
        var sql = new StringBuilder();
        var parameters = new DynamicParameters();
        for (var r = 0; r < rows.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = $"p{r}_{c}";
                sql.Append(c == 0 ? "@" : ", @").Append(name);
                parameters.Add(name, columns[c](rows[r]));
            }
            sql.Append(')');
        }
        return (sql.ToString(), parameters);
    }
}
