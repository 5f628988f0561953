using System.Diagnostics;
using Dapper;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Telemetry;

/// <summary>
/// Where a later causal chain links back to an earlier one (table <c>trace_origins</c>, trace ids only): an enrollment's
/// intake, which its claims days later link to; an alert's latest raising, whose care-team notice continues it. Written
/// only while the current span is recorded, so a service without telemetry writes nothing here.
/// </summary>
public static class TraceOrigins
{
    /// <summary>Records the current span as the origin of <paramref name="subjects"/> (the latest chain wins).</summary>
    public static async Task RecordAsync(DbSession session, IEnumerable<Guid> subjects)
    {
        if (Activity.Current is not { Recorded: true } || PainProActivity.CurrentTraceparent() is not { } traceparent) return;
        foreach (var chunk in subjects.Distinct().Chunk(session.Dialect.RowsPerStatement))
        {
            var (table, parameters) = session.Dialect.Rows("origins", chunk, RowColumn.Of<Guid, Guid>("id", id => id));
            parameters.Add("traceparent", traceparent);
            parameters.Add("at", session.Clock.GetUtcNow());
            await session.ExecuteAsync(session.Dialect.IsSqlServer
                // HOLDLOCK: two writers of one subject would otherwise both miss it and both insert.
                ? $"""
                  WITH {table}
                  MERGE trace_origins WITH (HOLDLOCK) AS t USING origins AS o ON t.subject_id = o.id
                  WHEN MATCHED THEN UPDATE SET traceparent = @traceparent, recorded_at = @at
                  WHEN NOT MATCHED THEN INSERT (subject_id, traceparent, recorded_at) VALUES (o.id, @traceparent, @at);
                  """
                // "WHERE true": SQLite would otherwise read ON CONFLICT as part of the SELECT's join.
                : $"""
                  WITH {table}
                  INSERT INTO trace_origins (subject_id, traceparent, recorded_at) SELECT id, @traceparent, @at FROM origins WHERE true
                  ON CONFLICT (subject_id) DO UPDATE SET traceparent = excluded.traceparent, recorded_at = excluded.recorded_at
                  """, parameters);
        }
    }

    public static Task RecordAsync(DbSession session, Guid subject) => RecordAsync(session, [subject]);

    /// <summary>The recorded origins of <paramref name="subjects"/>; empty when nobody listens to <paramref name="source"/>.</summary>
    public static async Task<IReadOnlyDictionary<Guid, ActivityContext>> FindAsync(DbSession session, ActivitySource source, IEnumerable<Guid> subjects)
    {
        if (!source.HasListeners()) return new Dictionary<Guid, ActivityContext>();
        var rows = await session.QueryAsync<(Guid Subject, string Traceparent)>(
            $"SELECT subject_id, traceparent FROM trace_origins WHERE {session.Dialect.InGuids("subject_id", subjects.Distinct())}");
        return rows
            .Select(r => (r.Subject, Context: PainProActivity.Parse(r.Traceparent)))
            .Where(r => r.Context is not null)
            .ToDictionary(r => r.Subject, r => r.Context!.Value);
    }

    /// <summary>Span links to the origins, one per distinct trace.</summary>
    public static IEnumerable<ActivityLink> Links(IEnumerable<ActivityContext> origins) =>
        origins.DistinctBy(o => o.TraceId).Select(o => new ActivityLink(o));
}
