using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PainPro.Portal.Accounts;
using PainPro.ServiceDefaults.Clock;
using PainPro.Testing;
using Xunit;

namespace PainPro.Portal.Tests;

/// <summary>Staff accounts and sign-in against the real Portal schema, on SQLite and PostgreSQL.</summary>
public sealed class AccountTests
{
    private const string Password = "correct horse battery";

    // Fewer iterations than production keep the tests quick; what is tested is the logic around the hash.
    private static readonly PasswordHasher<StaffAccount> Hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = 1000 }));

    private sealed class Accounts(TestDatabase<PortalDb> database, SimulatedClock clock) : IAsyncDisposable
    {
        public AccountStore Store { get; } = new(database.Db, Hasher);
        public SimulatedClock Clock => clock;

        public SignInService SignIn => new(Store, Hasher, Options.Create(new PortalOptions()), clock, NullLogger<SignInService>.Instance);

        public async Task<StaffAccount> CreateAsync(string userName, string role = "nurse")
        {
            var change = await Store.CreateAsync(new NewStaffAccount(userName, "Test " + userName, role, Password), "test");
            Assert.True(change.Succeeded, string.Join("; ", change.Problems.Values));
            return (await Store.FindByUserNameAsync(userName))!;
        }

        public ValueTask DisposeAsync() => database.DisposeAsync();
    }

    private static async Task<Accounts> OpenAsync(string provider)
    {
        var clock = new SimulatedClock();
        return new Accounts(await TestDatabase.CreateAsync<PortalDb>(provider, clock), clock);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_right_password_signs_in_whatever_the_case_of_the_user_name(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        await accounts.CreateAsync("jo.nurse");

        var check = await accounts.SignIn.CheckPasswordAsync("Jo.Nurse", Password);

        Assert.Equal(SignInOutcome.Succeeded, check.Outcome);
        Assert.Equal("jo.nurse", check.Account!.UserName);
        Assert.NotNull((await accounts.Store.FindByUserNameAsync("jo.nurse"))!.LastSignInAt);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Passwords_are_stored_hashed_not_as_typed(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        var account = await accounts.CreateAsync("jo.nurse");

        Assert.DoesNotContain(Password, account.PasswordHash);
        Assert.Equal(PasswordVerificationResult.Success, Hasher.VerifyHashedPassword(account, account.PasswordHash, Password));
        Assert.Equal(PasswordVerificationResult.Failed, Hasher.VerifyHashedPassword(account, account.PasswordHash, Password + "!"));
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes_even_against_the_right_one(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        await accounts.CreateAsync("jo.nurse");

        for (var attempt = 1; attempt <= 4; attempt++)
            Assert.Equal(SignInOutcome.Failed, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", "wrong " + attempt)).Outcome);
        var fifth = await accounts.SignIn.CheckPasswordAsync("jo.nurse", "wrong 5");
        Assert.Equal(SignInOutcome.LockedOut, fifth.Outcome);
        Assert.Equal(accounts.Clock.GetUtcNow().AddMinutes(15), fifth.LockedUntil!.Value, TimeSpan.FromSeconds(5));

        Assert.Equal(SignInOutcome.LockedOut, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", Password)).Outcome);
        accounts.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(SignInOutcome.LockedOut, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", Password)).Outcome);
        accounts.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(SignInOutcome.Succeeded, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", Password)).Outcome);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_successful_sign_in_starts_the_failure_count_again(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        await accounts.CreateAsync("jo.nurse");
        for (var attempt = 0; attempt < 4; attempt++) await accounts.SignIn.CheckPasswordAsync("jo.nurse", "wrong");

        Assert.Equal(SignInOutcome.Succeeded, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", Password)).Outcome);
        Assert.Equal(SignInOutcome.Failed, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", "wrong")).Outcome);
        Assert.Equal(1, (await accounts.Store.FindByUserNameAsync("jo.nurse"))!.FailedAttempts);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Unknown_and_disabled_accounts_fail_like_a_wrong_password(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        var account = await accounts.CreateAsync("jo.nurse");
        await accounts.CreateAsync("boss", "admin");
        Assert.True((await accounts.Store.SetDisabledAsync(account.AccountId, true, "boss")).Succeeded);

        Assert.Equal(SignInOutcome.Failed, (await accounts.SignIn.CheckPasswordAsync("nobody", Password)).Outcome);
        Assert.Equal(SignInOutcome.Failed, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", Password)).Outcome);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_password_changes_the_security_stamp_that_ends_open_sessions(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        var before = await accounts.CreateAsync("jo.nurse");

        Assert.True((await accounts.Store.SetPasswordAsync(before.AccountId, "another long password", "admin")).Succeeded);

        var after = (await accounts.Store.FindByIdAsync(before.AccountId))!;
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        Assert.Equal(SignInOutcome.Failed, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", Password)).Outcome);
        Assert.Equal(SignInOutcome.Succeeded, (await accounts.SignIn.CheckPasswordAsync("jo.nurse", "another long password")).Outcome);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task User_names_are_unique_whatever_their_case(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        await accounts.CreateAsync("jo.nurse");

        var again = await accounts.Store.CreateAsync(new NewStaffAccount("JO.NURSE", "Jo again", "nurse", Password), "admin");

        Assert.Contains("UserName", again.Problems.Keys);
        Assert.Single(await accounts.Store.ListAsync());
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_last_active_administrator_can_be_neither_demoted_nor_disabled(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        var admin = await accounts.CreateAsync("boss", "admin");

        Assert.False((await accounts.Store.SetRoleAsync(admin.AccountId, "nurse", "boss")).Succeeded);
        Assert.False((await accounts.Store.SetDisabledAsync(admin.AccountId, true, "boss")).Succeeded);

        await accounts.CreateAsync("deputy", "admin");
        Assert.True((await accounts.Store.SetRoleAsync(admin.AccountId, "nurse", "deputy")).Succeeded);
    }

    [DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sign_ins_lock_outs_and_account_changes_are_audited(string provider)
    {
        await using var accounts = await OpenAsync(provider);
        await accounts.CreateAsync("jo.nurse");
        for (var attempt = 0; attempt < 5; attempt++) await accounts.SignIn.CheckPasswordAsync("jo.nurse", "wrong");

        var actions = (await accounts.Store.RecentAuditAsync(50)).Select(e => e.Action).ToList();

        Assert.Contains("account.created", actions);
        Assert.Equal(4, actions.Count(a => a == "sign-in.failed"));
        Assert.Contains("sign-in.locked-out", actions);
    }

    [Theory]
    [InlineData("short", "jo", false)]
    [InlineData("jo.nurse.pw", "jo.nurse.pw", false)]
    [InlineData("a sufficiently long one", "jo", true)]
    public void A_password_needs_length_and_must_not_be_the_user_name(string password, string userName, bool acceptable) =>
        Assert.Equal(acceptable, StaffRoles.PasswordProblem(password, userName) is null);
}
