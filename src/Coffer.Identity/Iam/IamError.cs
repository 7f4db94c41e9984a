namespace Coffer.Identity.Iam;

/// <summary>The ways an IAM change can be refused; the protocol maps each to AWS's error code.</summary>
public enum IamError
{
    NoSuchEntity,
    EntityAlreadyExists,
    DeleteConflict,
    LimitExceeded,
    MalformedPolicyDocument,
    InvalidInput,
}
