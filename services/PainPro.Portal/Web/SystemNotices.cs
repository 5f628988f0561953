using System.Collections.Concurrent;

namespace PainPro.Portal;

/// <summary>
/// Short notes every page shows at the top while they last, such as "demo data is loading". Whoever starts a
/// long-running job sets one under its own key and clears it when done.
/// </summary>
public sealed class SystemNotices
{
    private readonly ConcurrentDictionary<string, string> notices = new();

    public void Set(string key, string message) => notices[key] = message;

    public void Clear(string key) => notices.TryRemove(key, out _);

    public IReadOnlyList<string> Current => [.. notices.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => n.Value)];
}
