namespace Coffer.Crypto.Kms;

/// <summary>A key's state, named as AWS's KeyState values.</summary>
public enum KmsKeyState
{
    Enabled,
    Disabled,
    PendingDeletion,
}
