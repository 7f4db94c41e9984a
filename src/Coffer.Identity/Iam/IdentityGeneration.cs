namespace Coffer.Identity;

/// <summary>
/// Counts IAM changes. Caches of credentials and compiled policies remember the generation they
/// read at and drop entries from an older one, so a change takes effect on the next request.
/// </summary>
public sealed class IdentityGeneration
{
    private long _value;

    public long Current => Interlocked.Read(ref _value);

    public void Bump() => Interlocked.Increment(ref _value);
}
