namespace Coffer.Policy;

/// <summary>AWS's evaluation logic: explicit deny wins, then an allow, else implicit deny.</summary>
public static class PolicyEvaluator
{
    /// <summary>The decision alone; the per-request path, which should allocate little.</summary>
    public static Decision Decide(AuthorizationRequest request) =>
        throw new NotImplementedException();

    /// <summary>The decision with the matching statements and missing keys, for the simulator.</summary>
    public static Evaluation Explain(AuthorizationRequest request) =>
        throw new NotImplementedException();
}
