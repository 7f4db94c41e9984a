namespace Coffer.Identity.Iam;

/// <summary>An IAM request the store refused, with AWS's message for it.</summary>
public sealed class IamException(IamError error, string message) : Exception(message)
{
    public IamError Error { get; } = error;
}
