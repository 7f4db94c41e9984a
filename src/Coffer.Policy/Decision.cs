namespace Coffer.Policy;

public enum Decision
{
    ImplicitDeny,
    Allow,
    ExplicitDeny,
}
