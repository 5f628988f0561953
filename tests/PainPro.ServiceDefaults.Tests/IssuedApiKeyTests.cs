using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using PainPro.Contracts;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;
using Xunit;

namespace PainPro.ServiceDefaults.Tests;

/// <summary>Keys issued at the Portal, as each service records and checks them (the replicas' shared table, a short cache).</summary>
public class IssuedApiKeyTests
{
    private static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(2);

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_revocation_that_arrives_before_its_issue_keeps_the_key_revoked(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var sha256 = PainProAuth.Sha256Hex("ppk_late");
        var now = DateTimeOffset.UtcNow;

        await ConsumeAsync(new ApiKeyRevokedConsumer<SampleDb>(test.Db), new ApiKeyRevoked(sha256, now));
        await ConsumeAsync(new ApiKeyIssuedConsumer<SampleDb>(test.Db), new ApiKeyIssued("epic", sha256, now.AddSeconds(-1)));

        var keys = new IssuedApiKeys([test.Db], Options(), new Timestamps());
        Assert.Null(await keys.FindAsync(sha256, CancellationToken.None));
        Assert.Equal("epic", await test.Db.ReadAsync(c => c.ExecuteScalarAsync<string>("SELECT name FROM api_keys WHERE sha256 = @sha256", new { sha256 })));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_replica_refuses_a_key_revoked_by_another_once_its_cache_entry_is_older_than_the_cache_duration(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var sha256 = PainProAuth.Sha256Hex("ppk_revoked_elsewhere");
        await ConsumeAsync(new ApiKeyIssuedConsumer<SampleDb>(test.Db), new ApiKeyIssued("epic", sha256, DateTimeOffset.UtcNow));
        var time = new Timestamps();
        var replica = new IssuedApiKeys([test.Db], Options(), time);
        Assert.Equal("epic", await replica.FindAsync(sha256, CancellationToken.None));

        // Another replica consumed the revocation: only the shared table changed.
        await ConsumeAsync(new ApiKeyRevokedConsumer<SampleDb>(test.Db), new ApiKeyRevoked(sha256, DateTimeOffset.UtcNow));

        time.Advance(CacheDuration - TimeSpan.FromMilliseconds(1));
        Assert.Equal("epic", await replica.FindAsync(sha256, CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Null(await replica.FindAsync(sha256, CancellationToken.None));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_key_unknown_when_first_presented_is_accepted_once_issued_and_the_cache_turns(string provider)
    {
        await using var test = await TestDatabase.CreateAsync<SampleDb>(provider);
        var sha256 = PainProAuth.Sha256Hex("ppk_early_bird");
        var time = new Timestamps();
        var replica = new IssuedApiKeys([test.Db], Options(), time);
        Assert.Null(await replica.FindAsync(sha256, CancellationToken.None));

        await ConsumeAsync(new ApiKeyIssuedConsumer<SampleDb>(test.Db), new ApiKeyIssued("engine", sha256, DateTimeOffset.UtcNow));
        Assert.Null(await replica.FindAsync(sha256, CancellationToken.None)); // the unknown answer is cached too

        time.Advance(CacheDuration);
        Assert.Equal("engine", await replica.FindAsync(sha256, CancellationToken.None));
    }

    private static IOptions<PainProOptions> Options() =>
        Microsoft.Extensions.Options.Options.Create(new PainProOptions { Auth = { IssuedKeyCacheDuration = CacheDuration } });

    private static Task ConsumeAsync<T>(IConsumer<T> consumer, T message) where T : class =>
        consumer.Consume(Delivered<T>.Of(message));

    /// <summary>The cache's clock, moved by hand.</summary>
    private sealed class Timestamps : TimeProvider
    {
        private long ticks = 1;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => ticks;
        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}

/// <summary>A delivery as a consumer sees it: the message, a message id and no cancellation; anything else is not used.</summary>
public class Delivered<T> : System.Reflection.DispatchProxy where T : class
{
    private T message = null!;
    private readonly Guid messageId = Guid.NewGuid();

    public static ConsumeContext<T> Of(T message)
    {
        var context = Create<ConsumeContext<T>, Delivered<T>>();
        ((Delivered<T>)(object)context).message = message;
        return context;
    }

    protected override object? Invoke(System.Reflection.MethodInfo? method, object?[]? args) => method!.Name switch
    {
        "get_Message" => message,
        "get_MessageId" => (Guid?)messageId,
        "get_CancellationToken" => CancellationToken.None,
        _ => throw new NotSupportedException($"The test delivery does not offer {method.Name}."),
    };
}
