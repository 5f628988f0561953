using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace PainPro.Testing;

/// <summary>
/// A theory over <see cref="TestDatabase.Providers"/>: its SQL Server case is reported as skipped, with the reason,
/// when <c>PAINPRO_SQLSERVER</c> is not set — never silently passed, and never run (no class, fixture or database is
/// made for it). <c>[DatabaseTheory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]</c>.
/// </summary>
[XunitTestCaseDiscoverer("PainPro.Testing.DatabaseTheoryDiscoverer", "PainPro.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseTheoryAttribute : TheoryAttribute;

/// <summary>xunit 2 skips whole data attributes only; this skips the one row whose provider has no server here.</summary>
public sealed class DatabaseTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow) =>
        dataRow is [TestDatabase.SqlServer, ..] && TestInfrastructure.SqlServer is null
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, TestInfrastructure.SqlServerSkipReason, dataRow)]
            : base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow);
}
