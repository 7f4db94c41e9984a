using System.Collections.Concurrent;
using Coffer.Policy;

namespace Coffer.Identity.Iam;

/// <summary>
/// The identity policies of the principal a request acts as, compiled once and cached until any
/// IAM change (the store's generation moves on).
/// </summary>
public sealed class PrincipalPolicies(IamStore store) : IPrincipalPolicies
{
    private readonly ConcurrentDictionary<(bool IsRole, string Id), (IReadOnlyList<PolicySource> Sources, long Generation)> _cache = new();

    public async ValueTask<IReadOnlyList<PolicySource>> ForAsync(Principal principal, CancellationToken cancellationToken)
    {
        (bool IsRole, string Id) key;
        if (principal.IsRoot)
        {
            return [];
        }
        else if (principal.Type == PrincipalType.AssumedRole && principal.RoleName is { } roleName)
        {
            key = (true, roleName);
        }
        else if (principal.Type == PrincipalType.User && principal.UserId.StartsWith("AIDA", StringComparison.Ordinal))
        {
            key = (false, principal.UserId);
        }
        else
        {
            return [];
        }

        var generation = store.Generation.Current;
        if (_cache.TryGetValue(key, out var cached) && cached.Generation == generation)
        {
            return cached.Sources;
        }

        var sources = principal.Type == PrincipalType.AssumedRole
            ? await store.PoliciesOfAsync(IamEntityKind.Role, principal.RoleName!, cancellationToken).ConfigureAwait(false)
            : await store.PoliciesOfUserIdAsync(principal.UserId, cancellationToken).ConfigureAwait(false);
        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }

        _cache[key] = (sources, generation);
        return sources;
    }
}
