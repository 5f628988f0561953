namespace PainPro.AllInOne.Demo;

/// <summary>
/// <c>PainPro:Demo</c>:
/// <code>
/// PainPro:Demo:Seed      seed the demo cohort on the first start of an empty AllInOne (default true; dev mode and the simulated clock only)
/// PainPro:Demo:Patients  enrollments in the cohort (default 200)
/// PainPro:Demo:Period    how far back the cohort starts; it is lived through up to now (default 120.00:00:00)
/// PainPro:Demo:Step      how far the clock moves per round (default 02:00:00; smaller is finer and slower)
/// </code>
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "PainPro:Demo";

    public bool Seed { get; set; } = true;
    public int Patients { get; set; } = 200;
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(120);
    public TimeSpan Step { get; set; } = TimeSpan.FromHours(2);
}
