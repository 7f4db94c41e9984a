using Coffer.Policy;

namespace Coffer.Protocol.Authorization;

/// <summary>
/// Condition keys that cost a lookup (an object's existing tags): loaded into the request context
/// once, and only when a policy that applies names a key starting with <see cref="Prefix"/>.
/// </summary>
public sealed class DeferredKeys(string prefix, Func<ContextKeys, CancellationToken, ValueTask> load)
{
    private bool _loaded;

    public string Prefix => prefix;

    internal async ValueTask LoadIfMentionedAsync(ContextKeys keys, IEnumerable<PolicySource?> policies, CancellationToken cancellationToken)
    {
        if (_loaded || !policies.Any(p => p is not null && p.Document.MentionsConditionKey(prefix)))
        {
            return;
        }

        await load(keys, cancellationToken).ConfigureAwait(false);
        _loaded = true;
    }
}
