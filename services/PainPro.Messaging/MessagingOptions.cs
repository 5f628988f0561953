using MailKit.Security;
using PainPro.Contracts;

namespace PainPro.Messaging;

/*
 Configuration of the Messaging service (section PainPro:Messaging; environment form PainPro__Messaging__…).

   PainPro:Messaging:OrganisationName          Name patients see in emails and alert notifications. Default "PainPro".
   PainPro:Messaging:PortalBaseUrl             Origin of the Portal for the alert link ({PortalBaseUrl}/alerts/{alertId}).
                                               Default: PainPro:PublicBaseUrl.
   PainPro:Messaging:Sms:Provider              "dev" (record to /dev/outbox) or "twilio".
                                               Default "dev" when PainPro:Dev:Enabled is true, else "twilio".
   PainPro:Messaging:Email:Provider            "dev" or "smtp". Default "dev" in dev mode, else "smtp".
   PainPro:Messaging:Twilio:BaseUrl            Twilio REST origin. Default https://api.twilio.com (tests point it at a double).
   PainPro:Messaging:Twilio:AccountSid         Account SID (AC…). Falls back to PainPro:Twilio:AccountSid.
                                               The auth token is PainPro:Twilio:AuthToken (a secret, never here).
   PainPro:Messaging:Twilio:From               Sending number in E.164 …
   PainPro:Messaging:Twilio:MessagingServiceSid … or a Messaging Service (MG…); one of the two is required, this one wins.
   PainPro:Messaging:Twilio:RatePerSecond      Requests per second per sender, retries included (token bucket right before
                                               each request; excess waits, never dropped). Default 1 (a US long code);
                                               0 = no limit. Per process: replicas multiply it.
   PainPro:Messaging:Twilio:Burst              Tokens the bucket holds. Default 1, so no one-second window exceeds the rate.
   PainPro:Messaging:Twilio:Timeout            Per-request timeout. Default 00:00:10. A request that times out once connected may
                                               have reached Twilio: it is reported outcome-unknown, never repeated.
   PainPro:Messaging:Twilio:ConnectTimeout     How long to wait for a connection to Twilio. Default 00:00:05. Nothing has left
                                               then, so the send is deferred and tried again.
   PainPro:Messaging:Smtp:Host, Port           SMTP server. Port default 587.
   PainPro:Messaging:Smtp:EnableSsl            TLS required: implicit TLS on port 465, STARTTLS (required, never skipped) on any
                                               other port. false = plain text (a local relay, maildev). Default true.
   PainPro:Messaging:Smtp:Security             Overrides EnableSsl with MailKit's SecureSocketOptions: None, StartTls,
                                               StartTlsWhenAvailable (opportunistic: not recommended), SslOnConnect, Auto.
   PainPro:Messaging:Smtp:CheckCertificateRevocation  Check the server certificate's revocation (CRL/OCSP: calls the CA,
                                               which this service otherwise never does). Default false.
   PainPro:Messaging:Smtp:Username, Password   Credentials; omit both for an unauthenticated relay.
   PainPro:Messaging:Smtp:From, FromName       Envelope and header sender. FromName defaults to OrganisationName.
   PainPro:Messaging:Smtp:Timeout              Each network step (connect, each command, the message). Default 00:00:30.
   PainPro:Messaging:Smtp:MaxConnections       SMTP sessions open at once per process, reused from one email to the next (a
                                               send waits for a free one). Default 2.
   PainPro:Messaging:Smtp:MaxMessagesPerConnection  A session is closed after this many messages. Default 100.
   PainPro:Messaging:Smtp:IdleTimeout          A session idle this long is closed rather than reused. Default 00:00:30.
   PainPro:Messaging:CareTeam:Emails[]         Addresses told about pain alerts.
   PainPro:Messaging:CareTeam:Phones[]         Optional E.164 numbers also texted about pain alerts.
   PainPro:Messaging:CareTeam:MinimumSeverity  low | medium | high: quieter alerts are not notified. Default low.
   PainPro:Messaging:Delivery:ClaimLease       How long (in real time, whatever the dev clock says) a send may stay
                                               unconfirmed before its sender is taken for dead and the send is taken
                                               up again: recorded as sent if Twilio's message list shows the text,
                                               else sent again (once; a second lapse is reported send-interrupted). A claim is
                                               taken in the rate-limit turn, right before the one request, so it must
                                               outlast Twilio:Timeout. Default 00:10:00.
   PainPro:Messaging:Delivery:FirstRetryDelay  Backoff of a send the provider could not take (5xx, 429, no connection): the
                                               first retry waits this long, each later one twice as long (±20 %), up to
   PainPro:Messaging:Delivery:MaxRetryDelay    this cap; a Retry-After longer than the backoff is honoured up to the cap. A
                                               deferred send is retried until its survey's window closes, never given up
                                               before. A send that gets through wakes every send deferred for the provider
                                               or the sender, so all leave within about MaxRetryDelay of a recovery.
                                               Defaults 00:00:02 and 00:01:00.
   PainPro:Messaging:Delivery:ProbeInterval    While the provider refuses our account or sender (Twilio 20003, 21606 …) every
                                               send is held; one send (a probe) is tried this often to find out when it
                                               clears. Default 00:00:30.
   PainPro:Messaging:Delivery:SendWindowStart  The patient's local hours (HH:mm, end may be 24:00) when a survey's SurveyDue
   PainPro:Messaging:Delivery:SendWindowEnd    carries none (Scheduling sends the facility's). Defaults 09:00 and 19:00.
   PainPro:Messaging:Delivery:QuietHoursMargin A survey text starts only if the window is still open this much later, so no
                                               request that starts before the window closes arrives after it. Default 00:00:10.
   PainPro:Messaging:Delivery:ReplyWindow      How long a reply to a patient's text (SendSmsReply) may wait for the provider
                                               before it is dropped as stale. Default 1.00:00:00.
   PainPro:Messaging:Delivery:DeferredSendConcurrency  Deferred sends in flight at once per process (each still waits for
                                               its rate-limit turn). Default 16.
*/

/// <summary>Everything under <c>PainPro:Messaging</c>; every key is described in the comment above.</summary>
public sealed class MessagingOptions
{
    public const string Section = "PainPro:Messaging";

    public string OrganisationName { get; set; } = "PainPro";
    public string? PortalBaseUrl { get; set; }
    public ProviderOptions Sms { get; set; } = new();
    public ProviderOptions Email { get; set; } = new();
    public TwilioClientOptions Twilio { get; set; } = new();
    public SmtpOptions Smtp { get; set; } = new();
    public CareTeamOptions CareTeam { get; set; } = new();
    public DeliveryOptions Delivery { get; set; } = new();
}

public sealed class ProviderOptions
{
    /// <summary>Null means the default for the mode (dev gateway in dev mode, the real provider otherwise).</summary>
    public string? Provider { get; set; }
}

public sealed class TwilioClientOptions
{
    public string BaseUrl { get; set; } = "https://api.twilio.com";
    public string? AccountSid { get; set; }
    public string? From { get; set; }
    public string? MessagingServiceSid { get; set; }
    public double RatePerSecond { get; set; } = 1;
    public int Burst { get; set; } = 1;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The sender the rate limit is kept for: the Messaging Service when set, else the number.</summary>
    public string Sender => MessagingServiceSid ?? From ?? "twilio";
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool EnableSsl { get; set; } = true;
    public SecureSocketOptions? Security { get; set; }
    public bool CheckCertificateRevocation { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string? From { get; set; }
    public string? FromName { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    public int MaxConnections { get; set; } = 2;
    public int MaxMessagesPerConnection { get; set; } = 100;
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class CareTeamOptions
{
    public List<string> Emails { get; set; } = [];
    public List<string> Phones { get; set; } = [];
    public string MinimumSeverity { get; set; } = AlertSeverities.Low;
}

public sealed class DeliveryOptions
{
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);
    public string SendWindowStart { get; set; } = "09:00";
    public string SendWindowEnd { get; set; } = "19:00";
    public TimeSpan QuietHoursMargin { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan ReplyWindow { get; set; } = TimeSpan.FromDays(1);
    public int DeferredSendConcurrency { get; set; } = 16;
}
