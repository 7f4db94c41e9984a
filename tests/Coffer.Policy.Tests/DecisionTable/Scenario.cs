namespace Coffer.Policy.Tests.DecisionTable;

/// <summary>A set of policies, and the rows that ask it questions.</summary>
internal sealed class Scenario(
    List<DecisionCase> cases,
    string prefix,
    string[] identity,
    string? resource,
    PolicyKind resourceKind,
    string[] session)
{
    /// <summary>Keys as "name=value"; "name=[a,b]" for several values, "name=[]" for none.</summary>
    public Scenario Row(string name, Decision expected, CallerIdentity? caller, string action, string resourceArn, params string[] keys)
    {
        var parsed = keys.Select(k =>
        {
            var eq = k.IndexOf('=', StringComparison.Ordinal);
            var value = k[(eq + 1)..];
            string[] values = value.StartsWith('[') && value.EndsWith(']')
                ? value.Length == 2 ? [] : value[1..^1].Split(',')
                : [value];
            return (k[..eq], values);
        }).ToArray();
        cases.Add(new DecisionCase($"{prefix}: {name}", identity, resource, resourceKind, session, caller, action, resourceArn, parsed, expected));
        return this;
    }
}
