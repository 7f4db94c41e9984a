using System.Globalization;
using Coffer.Identity.Iam;
using Coffer.Policy;
using Coffer.Protocol.Query;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.Iam;

internal sealed partial class IamHandlers
{
    private const int MaxSimulations = 1000;

    private async Task<Action<XmlBuilder>?> CreatePolicyAsync(IamContext c)
    {
        var name = PolicyName(c);
        var document = Document(c, "PolicyDocument", PolicyKind.Identity, ManagedPolicyLimit, $"Cannot exceed quota for PolicySize: {ManagedPolicyLimit}");
        var description = c.Request.Get("Description") is { } d ? IamValidation.Description(d) : null;
        var policy = await store.CreatePolicyAsync(name, Path(c), document, description, c.Aborted).ConfigureAwait(false);
        return xml => IamXml.Policy(xml, "Policy", policy);
    }

    private async Task<Action<XmlBuilder>?> GetPolicyAsync(IamContext c)
    {
        var policy = await store.GetPolicyAsync(PolicyArn(c), c.Aborted).ConfigureAwait(false);
        return xml => IamXml.Policy(xml, "Policy", policy);
    }

    private async Task<Action<XmlBuilder>?> GetPolicyVersionAsync(IamContext c)
    {
        var version = await store.GetPolicyVersionAsync(PolicyArn(c), VersionId(c), c.Aborted).ConfigureAwait(false);
        return xml => IamXml.Version(xml, "PolicyVersion", version, withDocument: true);
    }

    private async Task<Action<XmlBuilder>?> ListPoliciesAsync(IamContext c)
    {
        var scope = c.Request.Get("Scope") ?? "All";
        if (scope is not ("All" or "AWS" or "Local"))
        {
            throw QueryException.Constraint("scope", scope, "must satisfy enum value set: [All, AWS, Local]");
        }

        var onlyAttached = c.Request.Bool("OnlyAttached") ?? false;
        var page = scope == "AWS"
            ? new Page<ManagedPolicy>([], false, null) // No AWS managed policies exist here.
            : await store.ListPoliciesAsync(onlyAttached, PathPrefix(c), Marker(c), MaxItems(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "Policies", page.Items, (x, p) => IamXml.Policy(x, "member", p));
            IamXml.Truncation(xml, page);
        };
    }

    private async Task<Action<XmlBuilder>?> ListPolicyVersionsAsync(IamContext c)
    {
        var versions = await store.ListPolicyVersionsAsync(PolicyArn(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "Versions", versions, (x, v) => IamXml.Version(x, "member", v, withDocument: false));
            xml.Element("IsTruncated", false);
        };
    }

    private async Task<Action<XmlBuilder>?> CreatePolicyVersionAsync(IamContext c)
    {
        var arn = PolicyArn(c);
        var document = Document(c, "PolicyDocument", PolicyKind.Identity, ManagedPolicyLimit, $"Cannot exceed quota for PolicySize: {ManagedPolicyLimit}");
        var version = await store.CreatePolicyVersionAsync(arn, document, c.Request.Bool("SetAsDefault") ?? false, c.Aborted).ConfigureAwait(false);
        return xml => IamXml.Version(xml, "PolicyVersion", version, withDocument: false);
    }

    private async Task<Action<XmlBuilder>?> ListEntitiesForPolicyAsync(IamContext c)
    {
        var entities = await store.ListEntitiesForPolicyAsync(PolicyArn(c), c.Aborted).ConfigureAwait(false);
        var filter = c.Request.Get("EntityFilter");
        if (filter is not (null or "User" or "Role" or "Group" or "LocalManagedPolicy" or "AWSManagedPolicy"))
        {
            throw QueryException.Constraint("entityFilter", filter, "must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]");
        }

        return xml =>
        {
            IamXml.Members(xml, "PolicyGroups", filter is null or "Group" ? entities.Groups : [], (x, e) => x.Start("member").Element("GroupName", e.Name).Element("GroupId", e.Id).End("member"));
            IamXml.Members(xml, "PolicyUsers", filter is null or "User" ? entities.Users : [], (x, e) => x.Start("member").Element("UserName", e.Name).Element("UserId", e.Id).End("member"));
            IamXml.Members(xml, "PolicyRoles", filter is null or "Role" ? entities.Roles : [], (x, e) => x.Start("member").Element("RoleName", e.Name).Element("RoleId", e.Id).End("member"));
            xml.Element("IsTruncated", false);
        };
    }

    private async Task<Action<XmlBuilder>?> ListAttachedAsync(IamContext c, IamEntityKind kind, string name)
    {
        var attached = await store.ListAttachedPoliciesAsync(kind, name, PathPrefix(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "AttachedPolicies", attached, (x, p) => x.Start("member").Element("PolicyName", p.PolicyName).Element("PolicyArn", p.PolicyArn).End("member"));
            xml.Element("IsTruncated", false);
        };
    }

    private async Task<Action<XmlBuilder>?> PutInlineAsync(IamContext c, IamEntityKind kind, string entityName, int limit)
    {
        var policyName = PolicyName(c);
        var word = kind.ToString().ToLowerInvariant();
        var document = Document(c, "PolicyDocument", PolicyKind.Identity, limit, $"Maximum policy size of {limit} bytes exceeded for {word} {entityName}");
        await store.PutInlinePolicyAsync(kind, entityName, policyName, document, c.Aborted).ConfigureAwait(false);
        return null;
    }

    private async Task<Action<XmlBuilder>?> GetInlineAsync(IamContext c, IamEntityKind kind, string entityName, string element)
    {
        var (name, policyName, document) = await store.GetInlinePolicyAsync(kind, entityName, PolicyName(c), c.Aborted).ConfigureAwait(false);
        return xml => xml.Element(element, name).Element("PolicyName", policyName).Element("PolicyDocument", IamXml.Document(document));
    }

    private async Task<Action<XmlBuilder>?> ListInlineAsync(IamContext c, IamEntityKind kind, string entityName)
    {
        var names = await store.ListInlinePoliciesAsync(kind, entityName, c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "PolicyNames", names, (x, n) => x.Element("member", n));
            xml.Element("IsTruncated", false);
        };
    }

    private async Task<Action<XmlBuilder>?> SimulatePrincipalPolicyAsync(IamContext c)
    {
        var sourceArn = c.Request.Required("PolicySourceArn");
        var (kind, name) = EntityFromArn(sourceArn);
        if (await store.FindEntityAsync(kind, name, c.Aborted).ConfigureAwait(false) is null)
        {
            throw new IamException(IamError.NoSuchEntity, $"The {kind.ToString().ToLowerInvariant()} with name {name} cannot be found.");
        }

        var identity = new List<PolicySource>(await store.PoliciesOfAsync(kind, name, c.Aborted).ConfigureAwait(false));
        identity.AddRange(PolicyInputs(c));
        return Simulate(c, identity, c.Request.Get("CallerArn") ?? sourceArn);
    }

    private Task<Action<XmlBuilder>?> SimulateCustomPolicyAsync(IamContext c)
    {
        var identity = PolicyInputs(c);
        if (identity.Count == 0)
        {
            throw QueryException.Constraint("policyInputList", null, "must not be null");
        }

        // Identity policies never apply to an anonymous caller, so the simulation needs one.
        return Task.FromResult(Simulate(c, identity, c.Request.Get("CallerArn") ?? c.Principal.Arn));
    }

    /// <summary>(kind, name) of arn:aws:iam::ACCOUNT:user|group|role/PATH/NAME in this account.</summary>
    private (IamEntityKind Kind, string Name) EntityFromArn(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[4] == store.AccountId)
        {
            var resource = parts[5];
            var slash = resource.IndexOf('/', StringComparison.Ordinal);
            var kind = slash < 0 ? null : resource[..slash] switch
            {
                "user" => IamEntityKind.User,
                "group" => IamEntityKind.Group,
                "role" => IamEntityKind.Role,
                _ => (IamEntityKind?)null,
            };
            var name = resource[(resource.LastIndexOf('/') + 1)..];
            if (kind is { } k && name.Length > 0)
            {
                return (k, name);
            }
        }

        throw QueryException.InvalidInput($"Invalid ARN {arn}: expected a user, group or role of account {store.AccountId}.");
    }

    private static List<PolicySource> PolicyInputs(IamContext c)
    {
        var sources = new List<PolicySource>();
        var members = c.Request.Members("PolicyInputList");
        for (var i = 0; i < members.Count; i++)
        {
            var text = IamValidation.PolicyDocument(c.Request.Get(members[i]) ?? string.Empty, "policyInputList.member");
            var document = IamStore.ValidatePolicy(text, PolicyKind.Identity, IamValidation.MaxPolicyDocumentLength, "Policy document too large.", IamError.MalformedPolicyDocument);
            sources.Add(new PolicySource("PolicyInputList." + (i + 1).ToString(CultureInfo.InvariantCulture), PolicySourceType.None, document));
        }

        return sources;
    }

    private Action<XmlBuilder>? Simulate(IamContext c, IReadOnlyList<PolicySource> identity, string callerArn)
    {
        var actions = c.Request.List("ActionNames");
        if (actions.Count == 0)
        {
            throw QueryException.Constraint("actionNames", null, "must not be null");
        }

        var resources = c.Request.List("ResourceArns") is { Count: > 0 } listed ? listed : ["*"];
        if ((long)actions.Count * resources.Count > MaxSimulations)
        {
            throw QueryException.Validation($"At most {MaxSimulations} action and resource combinations can be simulated in one request.");
        }

        PolicySource? resourcePolicy = null;
        if (c.Request.Get("ResourcePolicy") is { } resourceText)
        {
            IamValidation.PolicyDocument(resourceText, "resourcePolicy");
            var document = IamStore.ValidatePolicy(resourceText, PolicyKind.Resource, IamValidation.MaxPolicyDocumentLength, "Policy document too large.", IamError.MalformedPolicyDocument);
            resourcePolicy = new PolicySource("ResourcePolicy", PolicySourceType.Resource, document);
        }

        var keys = ContextEntries(c);
        var caller = new CallerIdentity(store.AccountId, callerArn, IsRoot: false);
        var results = new List<(string Action, string Resource, Evaluation Evaluation)>();
        foreach (var action in actions)
        {
            foreach (var resource in resources)
            {
                var evaluation = PolicyEvaluator.Explain(new AuthorizationRequest
                {
                    Context = new RequestContext { Action = action, Resource = resource, Caller = caller, Keys = keys },
                    IdentityPolicies = identity,
                    ResourcePolicy = resourcePolicy,
                });
                results.Add((action, resource, evaluation));
            }
        }

        return xml =>
        {
            IamXml.Members(xml, "EvaluationResults", results, (x, r) =>
            {
                x.Start("member")
                    .Element("EvalActionName", r.Action)
                    .Element("EvalResourceName", r.Resource)
                    .Element("EvalDecision", r.Evaluation.Decision switch
                    {
                        Decision.Allow => "allowed",
                        Decision.ExplicitDeny => "explicitDeny",
                        _ => "implicitDeny",
                    });
                IamXml.Members(x, "MatchedStatements", r.Evaluation.MatchedStatements, (y, m) => y.Start("member")
                    .Element("SourcePolicyId", SourcePolicyId(m.Source))
                    .Element("SourcePolicyType", SourcePolicyType(m.Source.Type))
                    .Start("StartPosition").Element("Line", m.Statement.Start.Line).Element("Column", m.Statement.Start.Column).End("StartPosition")
                    .Start("EndPosition").Element("Line", m.Statement.End.Line).Element("Column", m.Statement.End.Column).End("EndPosition")
                    .End("member"));
                IamXml.Members(x, "MissingContextValues", r.Evaluation.MissingContextKeys, (y, k) => y.Element("member", k));
                x.End("member");
            });
            xml.Element("IsTruncated", false);
        };
    }

    private static Policy.ContextKeys ContextEntries(IamContext c)
    {
        var keys = new Policy.ContextKeys();
        foreach (var prefix in c.Request.Members("ContextEntries"))
        {
            var name = c.Request.Get(prefix + ".ContextKeyName") ?? throw QueryException.Constraint("contextEntries.member.contextKeyName", null, "must not be null");
            var values = c.Request.List(prefix + ".ContextKeyValues");
            keys.Set(name, values.ToArray());
        }

        return keys;
    }

    /// <summary>As the simulator names sources: a policy's name (the last part of an ARN or "user/NAME/POLICY"), or PolicyInputList.N.</summary>
    private static string SourcePolicyId(PolicySource source) =>
        source.Type is PolicySourceType.None or PolicySourceType.Resource ? source.Id : source.Id[(source.Id.LastIndexOf('/') + 1)..];

    private static string SourcePolicyType(PolicySourceType type) => type switch
    {
        PolicySourceType.User => "user",
        PolicySourceType.Group => "group",
        PolicySourceType.Role => "role",
        PolicySourceType.UserManaged => "user-managed",
        PolicySourceType.Resource => "resource",
        _ => "none",
    };
}
