using System.Globalization;
using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary><c>coffer user list</c> and <c>coffer user show</c>: users, their spaces, and their keys' ages and last use.</summary>
internal static class UserListCommand
{
    public const string ListUsage = """
        usage: coffer user list [--json]

        Lists the account's users: the space `coffer user create` gave them (a folder of a shared
        bucket or a bucket of their own, and the access), their access keys with age and status,
        and when a key of theirs was last used.

        example:
          coffer user list
        """;

    public const string ShowUsage = """
        usage: coffer user show NAME [--json]

        Shows user NAME: ARN, creation date, space and access, policies, groups, and each access key
        with its status, age and last use.

        example:
          coffer user show alice --json
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Task<int> ListAsync(string[] args) =>
        ClientCommand.RunAsync(args, ListUsage, [], [], async (line, client, cancellationToken) =>
        {
            if (line.Positionals.Count > 0)
            {
                throw new UsageException($"unexpected argument {line.Positionals[0]}");
            }

            var users = new List<TenantUser>();
            foreach (var member in await client.ListAllAsync("ListUsers", "Users", [], cancellationToken).ConfigureAwait(false))
            {
                // A user deleted between the listing and this read is simply not shown.
                if (await TenantUser.ReadAsync(client, member.Required("UserName"), cancellationToken).ConfigureAwait(false) is { } user)
                {
                    users.Add(user);
                }
            }

            var now = client.Time.GetUtcNow();
            if (line.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(users.Select(u => View(u, now)), JsonOptions));
                return 0;
            }

            Table.Write(
                Console.Out,
                ["USER", "MODE", "SPACE", "ACCESS", "KEYS", "LAST USED"],
                users.Select(u => (IReadOnlyList<string>)
                [
                    u.Name,
                    u.Space?.Mode ?? "-",
                    u.Space?.Location ?? "-",
                    u.Space?.Access ?? "-",
                    u.Keys.Count == 0 ? "none" : string.Join(", ", u.Keys.Select(k => $"{k.AccessKeyId} {Durations.Approximate(now - k.Created)}{(k.IsActive ? string.Empty : " inactive")}")),
                    u.Keys.Max(k => k.LastUsed) is { } used ? $"{Durations.Approximate(now - used)} ago" : "never",
                ]));
            return 0;
        });

    public static Task<int> ShowAsync(string[] args) =>
        ClientCommand.RunAsync(args, ShowUsage, [], [], async (line, client, cancellationToken) =>
        {
            if (line.Positionals.Count != 1)
            {
                throw new UsageException(line.Positionals.Count == 0 ? "NAME is required" : $"unexpected argument {line.Positionals[1]}");
            }

            var name = line.Positionals[0];
            var user = await TenantUser.ReadAsync(client, name, cancellationToken).ConfigureAwait(false)
                ?? throw new CofferApiException("NoSuchEntity", $"The user with name {name} cannot be found.", 404);
            var now = client.Time.GetUtcNow();
            if (line.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(View(user, now), JsonOptions));
                return 0;
            }

            Console.WriteLine($"user      {user.Name}");
            Console.WriteLine($"arn       {user.Arn}");
            Console.WriteLine($"created   {Timestamps.Iso(user.Created)}");
            Console.WriteLine($"space     {(user.Space is { } s ? $"{s.Location} ({s.Mode}, {s.Access})" : "none recorded")}");
            Console.WriteLine($"policies  {List(user.AttachedPolicies.Select(p => p.Name).Concat(user.InlinePolicies.Select(p => p + " (inline)")))}");
            Console.WriteLine($"groups    {List(user.Groups)}");
            Console.WriteLine();
            Table.Write(
                Console.Out,
                ["ACCESS KEY", "STATUS", "CREATED", "AGE", "LAST USED"],
                user.Keys.Select(k => (IReadOnlyList<string>)[k.AccessKeyId, k.StatusText(now), Timestamps.Iso(k.Created), Durations.Approximate(now - k.Created), k.LastUsedText]));
            return 0;
        });

    private static object View(TenantUser user, DateTimeOffset now) => new
    {
        user = user.Name,
        arn = user.Arn,
        created = Timestamps.Iso(user.Created),
        mode = user.Space?.Mode,
        bucket = user.Space?.Bucket,
        prefix = user.Space?.Prefix,
        access = user.Space?.Access,
        policies = user.AttachedPolicies.Select(p => p.Arn),
        inlinePolicies = user.InlinePolicies,
        groups = user.Groups,
        accessKeys = user.Keys.Select(k => new
        {
            accessKeyId = k.AccessKeyId,
            status = k.Status,
            created = Timestamps.Iso(k.Created),
            ageDays = (int)(now - k.Created).TotalDays,
            lastUsed = k.LastUsed is { } used ? Timestamps.Iso(used) : null,
            lastUsedService = k.LastUsedService,
        }),
    };

    private static string List(IEnumerable<string> items) => string.Join(", ", items) is { Length: > 0 } text ? text : "none";
}
