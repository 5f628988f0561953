using PainPro.Contracts;
using PainPro.Portal.ApiKeys;
using PainPro.ServiceDefaults.Auth;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

public sealed class ApiKeyStoreTests
{
    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_issued_key_is_kept_only_as_its_hash_and_announced_to_the_services(string provider)
    {
        await using var database = await TestDatabase.CreateAsync<PortalDb>(provider);
        var store = new ApiKeyStore(database.Db);

        var issued = await store.IssueAsync("Epic engine", "admin");

        var listed = Assert.Single(await store.ListAsync());
        Assert.Equal("Epic engine", listed.Name);
        Assert.Equal("…" + issued.Key[^4..], listed.Hint);
        var announced = Assert.Single(await database.OutboxAsync<ApiKeyIssued>());
        Assert.Equal(PainProAuth.Sha256Hex(issued.Key), announced.Sha256);
        Assert.Equal("Epic engine", announced.Name);
        await using var connection = await database.Db.OpenAsync();
        var stored = await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT sha256 || name || hint FROM issued_api_keys");
        Assert.DoesNotContain(issued.Key, string.Concat(stored));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Revoking_a_key_announces_it_once(string provider)
    {
        await using var database = await TestDatabase.CreateAsync<PortalDb>(provider);
        var store = new ApiKeyStore(database.Db);
        var issued = await store.IssueAsync("Epic engine", "admin");

        Assert.True(await store.RevokeAsync(issued.KeyId, "admin"));
        Assert.False(await store.RevokeAsync(issued.KeyId, "admin"));

        var revoked = Assert.Single(await database.OutboxAsync<ApiKeyRevoked>());
        Assert.Equal(PainProAuth.Sha256Hex(issued.Key), revoked.Sha256);
        Assert.Equal("admin", Assert.Single(await store.ListAsync()).RevokedBy);
    }

    [Fact]
    public async Task Every_key_is_different_and_long()
    {
        await using var database = await TestDatabase.CreateAsync<PortalDb>(TestDatabase.Sqlite);
        var store = new ApiKeyStore(database.Db);
        var keys = new List<string>();
        for (var i = 0; i < 5; i++) keys.Add((await store.IssueAsync("client " + i, "admin")).Key);

        Assert.Equal(5, keys.Distinct().Count());
        Assert.All(keys, key => Assert.True(key.Length >= 40, key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_key_needs_a_client_name(string name) => Assert.NotNull(ApiKeyStore.NameProblem(name));
}
