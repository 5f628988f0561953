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

internal sealed class DemoOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<DemoOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var errors = new List<string>();
        if (options.Patients < 1) errors.Add($"{DemoOptions.Section}:Patients must be at least 1.");
        if (options.Period <= TimeSpan.Zero) errors.Add($"{DemoOptions.Section}:Period must be a positive duration such as 120.00:00:00.");
        if (options.Step <= TimeSpan.Zero || options.Step > options.Period)
            errors.Add($"{DemoOptions.Section}:Step must be a positive duration no longer than Period, such as 02:00:00.");
        return errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(errors);
    }
}
