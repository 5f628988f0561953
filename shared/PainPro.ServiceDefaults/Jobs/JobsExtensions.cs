using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PainPro.ServiceDefaults.Clock;
using PainPro.ServiceDefaults.Data;

namespace PainPro.ServiceDefaults.Jobs;

/// <summary>
/// Hangfire as the clock and the runner of long jobs: PostgreSQL storage (schema <c>hangfire</c>, shared by every
/// service of the database, each service's jobs in its own queue) or in-memory storage on SQLite and in AllInOne.
/// Everything is registered per host, never through Hangfire's static <c>JobStorage.Current</c>, so several hosts
/// in one process (the tests) each keep their own.
/// </summary>
public static class JobsExtensions
{
    /// <summary>
    /// Declares due work of <paramref name="service"/>: the recurring job <c>{service}:{name}</c> that runs
    /// <typeparamref name="TWork"/> at its <paramref name="pace"/>, or on <paramref name="cron"/> (six fields,
    /// seconds first). A dev clock advance runs the host's due work in the order it was declared.
    /// </summary>
    public static IHostApplicationBuilder AddDueWork<TWork>(this IHostApplicationBuilder builder, string service, string name,
        DueWorkPace pace = DueWorkPace.Prompt, string? cron = null)
        where TWork : class, IDueWork
    {
        builder.Services.TryAddSingleton<TWork>();
        builder.Services.AddSingleton(new DueWorkRegistration(service, name, typeof(TWork), cron, pace));
        return builder;
    }

    internal static void AddPainProJobs(this IHostApplicationBuilder builder, PainProOptions options)
    {
        var jobs = options.Jobs;
        TrimBookkeeping();
        builder.Services.AddSingleton<JobStorage>(sp =>
        {
            // Hangfire's static configuration (logging above all) is in place before a storage logs anything.
            sp.GetRequiredService<IGlobalConfiguration>();
            return CreateStorage(sp.GetRequiredService<DatabaseConnector>(), options);
        });
        // Hangfire's own registration would fall back to the static JobActivator.Current: the last host built would
        // activate every host's jobs. Each host activates its own, in a DI scope per job.
        builder.Services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((sp, c) =>
        {
            c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseLogProvider(HangfireLogs.Instance);
            var loggers = sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();
            HangfireLogs.Instance.Attach(loggers);
            sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => HangfireLogs.Instance.Detach(loggers));
        });

        builder.Services.TryAddSingleton<DueWorkCatalog>();
        builder.Services.TryAddSingleton<DueWorkTurns>();
        builder.Services.TryAddTransient<DueWorkJob>();
        builder.Services.TryAddSingleton<DueJobs>();
        // Declared after the migrations, before the server: the hosted services start in this order.
        builder.Services.AddHostedService<JobStorageInstaller>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DueJobs>());
        builder.Services.AddHangfireServer((sp, server) =>
        {
            // A service's jobs run only where the service runs: one queue per service database of this host.
            var queues = sp.GetServices<ServiceDatabase>().Select(d => d.Schema).Distinct().ToArray();
            server.Queues = queues.Length > 0 ? queues : [EnqueuedState.DefaultQueue];
            server.WorkerCount = jobs.WorkerCount;
            // Recurring jobs at one-second granularity (six-field cron), delayed jobs within a second.
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            server.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
    }

    /// <summary>
    /// Hangfire's default filters that every run of every job pays for and PainPro does not use: the caller's culture
    /// saved as two job parameters (no job reads a culture), and the succeeded/failed counters per day and per hour
    /// behind the Dashboard's history chart — with a recurring job a second per piece of due work, rows written, later
    /// aggregated and deleted again around the clock. The Dashboard keeps its totals, jobs and recurring jobs.
    /// Hangfire's filters are process-wide; every PainPro host wants the same.
    /// </summary>
    private static void TrimBookkeeping()
    {
        GlobalJobFilters.Filters.Remove(typeof(CaptureCultureAttribute));
        GlobalJobFilters.Filters.Remove(typeof(StatisticsHistoryAttribute));
    }

    private static JobStorage CreateStorage(DatabaseConnector connector, PainProOptions options)
    {
        if (connector.Dialect.IsSqlServer)
            return new Hangfire.SqlServer.SqlServerStorage(
                () => new Microsoft.Data.SqlClient.SqlConnection(options.Database.ConnectionString), SqlServerStorageOptions(options.Jobs));
        if (connector.Dialect != SqlDialect.Postgres)
            return new InMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(1) });

        var storageOptions = PostgresStorageOptions(options.Jobs);
        var connectionString = DatabaseConnector.PostgresConnectionString(options.Database.ConnectionString!, JobsOptions.Schema);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions);
    }

    public static PostgreSqlStorageOptions PostgresStorageOptions(JobsOptions jobs) => new()
    {
        SchemaName = JobsOptions.Schema,
        // Installed by JobStorageInstaller under the migration lock: replicas starting together must not race.
        PrepareSchemaIfNecessary = false,
        // Workers of another process learn of a job enqueued elsewhere (a recurring job another replica's scheduler
        // enqueued) this often; in the enqueuing process they wake at once.
        QueuePollInterval = jobs.QueuePollInterval,
        // A job whose worker died is taken up again after this long (a long CSV import keeps extending it).
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
        UseSlidingInvisibilityTimeout = true,
        // Hangfire's locks are rows: one whose release died with its connection (a database restart, a killed
        // replica) is taken over only after this long, and until then the recurring-job scheduler is stopped.
        DistributedLockTimeout = jobs.OrphanedLockTimeout,
    };

    /// <summary>Hangfire.SqlServer in the <c>hangfire</c> schema of the services' database, installed by <see cref="JobStorageInstaller"/>.</summary>
    public static Hangfire.SqlServer.SqlServerStorageOptions SqlServerStorageOptions(JobsOptions jobs) => new()
    {
        SchemaName = JobsOptions.Schema,
        PrepareSchemaIfNecessary = false,
        QueuePollInterval = jobs.QueuePollInterval,
        // Hangfire 1.8's recommended settings: sliding invisibility (a long import keeps its job), no global lock
        // around fetching, and the lighter transaction scopes.
        SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
        UseRecommendedIsolationLevel = true,
        DisableGlobalLocks = true,
    };
}

/// <summary><c>PainPro:Jobs</c>: Hangfire's workers and storage.</summary>
public sealed class JobsOptions
{
    /// <summary>The PostgreSQL schema of Hangfire's tables, shared by the services of one database (queues keep their jobs apart).</summary>
    public const string Schema = "hangfire";

    /// <summary>Hangfire workers per process: the recurring jobs take a few milliseconds each; an import holds one for minutes.</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>
    /// How long a Hangfire lock left behind by a lost connection blocks its resource (PostgreSQL; Hangfire's default is
    /// 10 minutes, every clock stopped). Hangfire holds its locks for milliseconds; due work keeps its own turn.
    /// </summary>
    public TimeSpan OrphanedLockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often idle workers look for jobs another process enqueued (PostgreSQL).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
