namespace PainPro.Testing;

/// <summary>
/// A RabbitMQ virtual host of its own for one test, so queues of concurrently running tests never meet
/// (every PainPro host declares the same queue names).
/// </summary>
public sealed class RabbitMqVirtualHost : IAsyncDisposable
{
    private RabbitMqVirtualHost(string name, string uri)
    {
        Name = name;
        Uri = uri;
    }

    public string Name { get; }

    /// <summary>The AMQP URI with this virtual host, for <c>PainPro:Bus:RabbitMqUri</c>.</summary>
    public string Uri { get; }

    public static async Task<RabbitMqVirtualHost> CreateAsync()
    {
        var name = "painpro-t-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await TestInfrastructure.RunAsync("rabbitmqctl", $"-q add_vhost {name}");
            await TestInfrastructure.RunAsync("rabbitmqctl", $"-q set_permissions -p {name} guest \".*\" \".*\" \".*\"");
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException(TestInfrastructure.Unreachable("RabbitMQ", ex), ex);
        }
        var builder = new UriBuilder(TestInfrastructure.RabbitMqUri) { Path = "/" + name };
        return new RabbitMqVirtualHost(name, builder.Uri.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        try { await TestInfrastructure.RunAsync("rabbitmqctl", $"-q delete_vhost {Name}"); }
        catch (Exception) { /* a leftover vhost is harmless */ }
    }
}
