namespace Coffer.Crypto.Kms;

public enum KmsRotationType
{
    Automatic,
    OnDemand,
}
