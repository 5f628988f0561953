namespace PainPro.Testing;

/// <summary>Polling for asynchronous outcomes (a message consumed, a row written), with a clear failure.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> until, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        T last = default!;
        Exception? lastError = null;
        var delay = TimeSpan.FromMilliseconds(50);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (until(last)) return last;
                lastError = null;
            }
            catch (Exception ex) { lastError = ex; }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(500, delay.TotalMilliseconds * 1.5));
        }
        throw new TimeoutException($"Timed out waiting for {what}. Last value: {last}", lastError);
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        GetAsync(probe, ok => ok, what, timeout);
}
