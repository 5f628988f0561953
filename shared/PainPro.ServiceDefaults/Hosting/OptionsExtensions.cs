using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PainPro.ServiceDefaults;

public static class OptionsExtensions
{
    /// <summary>
    /// The one way PainPro binds settings: <paramref name="section"/> bound to <typeparamref name="TOptions"/>
    /// (durations are <see cref="TimeSpan"/>s, <c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>), checked by
    /// <typeparamref name="TValidator"/> when the host starts. A value that does not convert or does not make sense
    /// stops start-up with a message naming its key.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IHostApplicationBuilder builder, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
