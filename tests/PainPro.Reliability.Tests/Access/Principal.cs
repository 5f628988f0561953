namespace PainPro.Reliability.Tests.Access;

/// <summary>Who knocks: the columns of the access matrix.</summary>
public enum Principal
{
    Anonymous,
    /// <summary>A patient holding a survey link token, presenting it wherever a credential might go.</summary>
    Patient,
    Nurse,
    Manager,
    Admin,
    ApiKey,
}

/// <summary>What an endpoint must answer one principal: a status, and for redirects where they lead.</summary>
public sealed record Expected(int Status, string? RedirectTo = null)
{
    public static readonly Expected Ok = new(200);
    public static readonly Expected Created = new(201);
    public static readonly Expected NoContent = new(204);
    public static readonly Expected Unauthorized = new(401);
    public static readonly Expected Forbidden = new(403);
    public static readonly Expected NotFound = new(404);
    public static readonly Expected SignIn = new(302, "/login");
    public static readonly Expected AccessDenied = new(302, "/access-denied");

    public bool Matches(HttpResponseMessage response)
    {
        if ((int)response.StatusCode != Status) return false;
        if (RedirectTo is null) return true;
        var location = response.Headers.Location;
        if (location is null) return false;
        var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
        return path.Equals(RedirectTo, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => RedirectTo is null ? Status.ToString() : $"{Status}→{RedirectTo}";
}

/// <summary>The access rules the endpoints follow, as rows of expectations per principal.</summary>
public static class Rules
{
    private static readonly Principal[] Staff = [Principal.Nurse, Principal.Manager, Principal.Admin];

    /// <summary>Anyone, e.g. health and the sign-in page.</summary>
    public static Dictionary<Principal, Expected> Open(Expected expected) =>
        Enum.GetValues<Principal>().ToDictionary(p => p, _ => expected);

    /// <summary>API key only (intake). A staff cookie is not an integration credential: the API key scheme challenges it (401).</summary>
    public static Dictionary<Principal, Expected> Integration(Expected allowed) =>
        Enum.GetValues<Principal>().ToDictionary(p => p, p => p == Principal.ApiKey ? allowed : Expected.Unauthorized);

    /// <summary>Signed-in staff or an API key (the service APIs the Portal reads).</summary>
    public static Dictionary<Principal, Expected> StaffOrIntegration(Expected allowed, Expected? apiKey = null) =>
        Enum.GetValues<Principal>().ToDictionary(p => p, p =>
            p == Principal.ApiKey ? apiKey ?? allowed : Staff.Contains(p) ? allowed : Expected.Unauthorized);

    /// <summary>The audit APIs: an API key (the Portal) or a signed-in administrator; other staff are forbidden.</summary>
    public static Dictionary<Principal, Expected> Audit(Expected allowed) =>
        Enum.GetValues<Principal>().ToDictionary(p => p, p =>
            p is Principal.ApiKey or Principal.Admin ? allowed : Staff.Contains(p) ? Expected.Forbidden : Expected.Unauthorized);

    /// <summary>Portal pages: the staff cookie only; everyone else is sent to sign in; a role too low is sent to access denied.</summary>
    public static Dictionary<Principal, Expected> Page(Expected allowed, params Principal[] roles) =>
        Enum.GetValues<Principal>().ToDictionary(p => p, p =>
            roles.Contains(p) ? allowed : Staff.Contains(p) ? Expected.AccessDenied : Expected.SignIn);

    /// <summary>
    /// A Portal page under <c>/dev</c> (the phone simulator): as <see cref="Page"/>, but a role too low gets 403 where it
    /// stands, as every <c>/dev</c> path answers a refusal with a status rather than a redirect.
    /// </summary>
    public static Dictionary<Principal, Expected> DevPage(Expected allowed, params Principal[] roles) =>
        Enum.GetValues<Principal>().ToDictionary(p => p, p =>
            roles.Contains(p) ? allowed : Staff.Contains(p) ? Expected.Forbidden : Expected.SignIn);

    public static Principal[] AnyStaff => Staff;
    public static Principal[] Managers => [Principal.Manager, Principal.Admin];
    public static Principal[] Admins => [Principal.Admin];
}
