namespace PainPro.Instruments;

public enum ReplyKind
{
    Answer,
    NotAnAnswer,
    OptOut,
    OptIn,
    Help,
}

/// <param name="Kind">What the text is.</param>
/// <param name="Value">The answer, only when <see cref="Kind"/> is <see cref="ReplyKind.Answer"/>.</param>
/// <param name="Keyword">The carrier keyword in upper case ("STOP", "START", "HELP" …), only for OptOut, OptIn and Help.</param>
public sealed record ReplyParse(ReplyKind Kind, int? Value, string? Keyword)
{
    public static ReplyParse NotAnAnswer { get; } = new(ReplyKind.NotAnAnswer, null, null);

    public static ReplyParse Answer(int value) => new(ReplyKind.Answer, value, null);
}

public static class ReplyParser
{
    /// <summary>Parses a text message sent in reply to <paramref name="item"/>.</summary>
    public static ReplyParse Parse(string? body, ItemDefinition item) => throw new NotImplementedException();

    /// <summary>Parses a text message when no item is waiting for an answer: only the carrier keywords mean anything.</summary>
    public static ReplyParse Parse(string? body) => throw new NotImplementedException();
}
