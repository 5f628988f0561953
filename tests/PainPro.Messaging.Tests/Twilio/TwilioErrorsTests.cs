using PainPro.Contracts;
using PainPro.Messaging.Twilio;

namespace PainPro.Messaging.Tests.Twilio;

/// <summary>The table of Twilio error codes, a row per code: whose fault it is decides who moves and what waits.</summary>
public class TwilioErrorsTests
{
    /// <summary>The table as the issue states it; every row of <see cref="TwilioErrors"/> must be here.</summary>
    public static TheoryData<int, FaultOf, string> Table => new()
    {
        // The patient's address: only these move a patient to email.
        { 21211, FaultOf.PatientAddress, DeliveryFailureReasons.InvalidNumber },
        { 21614, FaultOf.PatientAddress, DeliveryFailureReasons.InvalidNumber },
        { 21612, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable },
        { 30003, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable },
        { 30005, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable },
        { 30006, FaultOf.PatientAddress, DeliveryFailureReasons.Unreachable },
        { 21610, FaultOf.PatientAddress, DeliveryFailureReasons.OptedOut },
        // Our account, sender or content: every send held, nobody moves.
        { 20003, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 21606, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 21659, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 21212, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 21703, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 21608, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 21408, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 30001, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        { 30002, FaultOf.Sender, DeliveryFailureReasons.SenderFault },
        // This one message: recorded on the delivery, nobody moves.
        { 30007, FaultOf.Message, DeliveryFailureReasons.DeliveryFailed },
        { 30008, FaultOf.Message, DeliveryFailureReasons.DeliveryFailed },
    };

    [Theory, MemberData(nameof(Table))]
    public void Each_code_is_the_fault_of_whom_the_table_says_with_its_reason(int code, FaultOf fault, string reason)
    {
        var error = TwilioErrors.Describe(code);

        Assert.Equal((code, fault, reason), (error.Code, error.Fault, error.Reason));
        Assert.Equal(fault == FaultOf.PatientAddress, DeliveryFailureReasons.IsPatientAddressFault(error.Reason));
        Assert.Equal(code == 21610, error.SuppressesNumber);
    }

    [Fact]
    public void The_table_has_no_row_without_its_test()
    {
        var tested = Table.Select(row => (int)row[0]).ToHashSet();

        Assert.All(TwilioErrors.All, e => Assert.Contains(e.Code, tested));
    }

    [Theory]
    [InlineData(21617, false, DeliveryFailureReasons.ProviderRejected)]
    [InlineData(null, false, DeliveryFailureReasons.ProviderRejected)]
    [InlineData(30010, true, DeliveryFailureReasons.DeliveryFailed)]
    public void An_unknown_code_concerns_the_message_alone_and_moves_nobody(int? code, bool onCallback, string reason)
    {
        var error = TwilioErrors.Describe(code, onCallback);

        Assert.Equal((FaultOf.Message, reason), (error.Fault, error.Reason));
        Assert.False(DeliveryFailureReasons.IsPatientAddressFault(error.Reason));
    }
}
