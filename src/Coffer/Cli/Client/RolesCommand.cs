namespace Coffer.Cli.Client;

/// <summary><c>coffer roles</c>: role templates for a bucket, and who may assume them.</summary>
internal static class RolesCommand
{
    public const string Usage = """
        usage: coffer roles init|grant|revoke|list [options]

        Role templates: an Uploader, a Viewer and an Admin role for one bucket, and grants that let
        users and groups assume them (then `coffer assume-role` and `coffer presign --role` use them).

        sub-commands:
          init     create the PREFIXUploader, PREFIXViewer and PREFIXAdmin roles of a bucket
          grant    let a user or the members of a group assume a role
          revoke   take a grant back
          list     the role templates, their bucket and who may assume them

        example:
          coffer roles init --bucket photos
          coffer roles grant Uploader --user alice
          curl -T cat.jpg "$(coffer presign put s3://photos/cat.jpg --role Uploader)"   # as alice

        `coffer roles init|grant|revoke|list --help` describes a sub-command, with an example.
        """;

    public static Task<int> RunAsync(string[] args) => CommandGroup.RunAsync(args, Usage, new Dictionary<string, Func<string[], Task<int>>>
    {
        ["init"] = RolesInitCommand.RunAsync,
        ["grant"] = RoleGrantCommands.RunGrantAsync,
        ["revoke"] = RoleGrantCommands.RunRevokeAsync,
        ["list"] = RolesListCommand.RunAsync,
    });
}
