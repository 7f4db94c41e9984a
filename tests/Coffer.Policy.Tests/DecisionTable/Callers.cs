namespace Coffer.Policy.Tests.DecisionTable;

internal static class Callers
{
    public const string Account = "111122223333";
    public const string OtherAccount = "444455556666";
    public const string ReaderRole = "arn:aws:iam::111122223333:role/reader";
    public const string ReaderSession = "arn:aws:sts::111122223333:assumed-role/reader/session1";

    public static readonly CallerIdentity Alice = new(Account, "arn:aws:iam::111122223333:user/alice", false);
    public static readonly CallerIdentity Bob = new(Account, "arn:aws:iam::111122223333:user/bob", false);
    public static readonly CallerIdentity Root = new(Account, "arn:aws:iam::111122223333:root", true);
    public static readonly CallerIdentity Session = new(Account, ReaderSession, false, ReaderRole);
    public static readonly CallerIdentity OtherSession = new(Account, "arn:aws:sts::111122223333:assumed-role/reader/session2", false, ReaderRole);
    public static readonly CallerIdentity Carol = new(OtherAccount, "arn:aws:iam::444455556666:user/carol", false);
}
