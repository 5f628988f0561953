namespace PainPro.Instruments;

/// <summary>One question of an instrument and the inclusive range of whole numbers that answer it.</summary>
public sealed record ItemDefinition(string Code, int Min, int Max)
{
    public bool Accepts(int value) => value >= Min && value <= Max;
}
