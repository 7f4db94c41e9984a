namespace Coffer.Protocol.Sts;

/// <summary>The STS actions Coffer serves, named as in the STS API reference.</summary>
public enum StsOperation
{
    AssumeRole,
    GetSessionToken,
    GetCallerIdentity,
}
