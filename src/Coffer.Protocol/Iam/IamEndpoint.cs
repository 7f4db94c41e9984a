using Coffer.Identity;
using Coffer.Identity.AccessKeys;
using Coffer.Identity.Iam;
using Coffer.Identity.Sessions;
using Coffer.Policy;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Authorization;
using Coffer.Protocol.Http;
using Coffer.Protocol.Query;
using Coffer.Protocol.S3;
using Coffer.Protocol.Xml;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Coffer.Protocol.Iam;

/// <summary>
/// The IAM Query API: buffer the bounded form body, authenticate (SigV4, service "iam"),
/// find the operation, authorise it through the shared <see cref="Authorizer"/>, dispatch
/// with one switch, and answer in IAM's XML, errors included.
/// </summary>
public sealed class IamEndpoint
{
    public const string Service = "iam";
    public const string Version = "2010-05-08";
    public const string Namespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    private readonly IamStore _store;
    private readonly Authorizer _authorizer;
    private readonly QueryFrontEnd<IamOperation> _frontEnd;
    private readonly IamHandlers _handlers;

    public IamEndpoint(IamStore store, AccessKeyStore keys, SessionTokens sessions, Authorizer authorizer, Audit.IAuditSink audit, ProtocolOptions options, TimeProvider time, ILogger<IamEndpoint> logger)
    {
        _store = store;
        _authorizer = authorizer;
        _frontEnd = new QueryFrontEnd<IamOperation>(new SigV4Authenticator(keys, sessions, time, options), Service, Version, Namespace, Audit.AuditEventSource.Iam, audit, options, time, logger);
        _handlers = new IamHandlers(store);
    }

    public Task HandleAsync(HttpContext http) => _frontEnd.HandleAsync(http, RunAsync, e => e is IamException iam ? Map(iam) : null);

    private async Task<Action<XmlBuilder>?> RunAsync(QueryCall call, IamOperation operation)
    {
        // AWS: GetSessionToken credentials may call IAM only when the session was MFA-authenticated.
        if (call.Principal is { IsTemporary: true, Type: not PrincipalType.AssumedRole, MultiFactorAuthenticated: false })
        {
            throw new QueryException("AccessDenied", 403, $"Cannot call {operation} with session credentials");
        }

        var context = new IamContext { Http = call.Http, Request = call.Request, Operation = operation, Principal = call.Principal };
        await AuthorizeAsync(context).ConfigureAwait(false);
        return await _handlers.DispatchAsync(context).ConfigureAwait(false);
    }

    /// <summary>Asks the policy engine before any handler runs; root is allowed by the engine itself.</summary>
    private async Task AuthorizeAsync(IamContext context)
    {
        var (resource, tags) = await ResourceAsync(context).ConfigureAwait(false);
        var keys = _authorizer.GlobalKeys(context.Http, context.Principal);
        var request = context.Request;
        if (request.Members("Tags").Count > 0)
        {
            var requestTags = request.Tags();
            IamValidation.Tags(requestTags);
            foreach (var (key, value) in requestTags)
            {
                keys.Set("aws:RequestTag/" + key, value);
            }

            keys.Set("aws:TagKeys", requestTags.Select(t => t.Key).ToArray());
        }
        else if (request.Members("TagKeys").Count > 0)
        {
            keys.Set("aws:TagKeys", request.List("TagKeys").ToArray());
        }

        foreach (var (key, value) in tags)
        {
            keys.Set("aws:ResourceTag/" + key, value);
            keys.Set("iam:ResourceTag/" + key, value);
        }

        if (context.Operation.ToString().StartsWith("Attach", StringComparison.Ordinal) || context.Operation.ToString().StartsWith("Detach", StringComparison.Ordinal))
        {
            keys.Set("iam:PolicyARN", request.Required("PolicyArn"));
        }

        var action = "iam:" + context.Operation;
        var decision = await _authorizer.DecideAsync(new AuthorizationQuestion(context.Principal, action, resource, keys), context.Aborted).ConfigureAwait(false);
        if (decision != Decision.Allow)
        {
            throw new QueryException("AccessDenied", 403, $"User: {context.Principal.Arn} is not authorized to perform: {action} on resource: {resource}");
        }
    }

    /// <summary>The resource ARN the action is on, per AWS's service authorization reference, and that resource's tags.</summary>
    private async Task<(string Arn, IReadOnlyList<KeyValuePair<string, string>> Tags)> ResourceAsync(IamContext context)
    {
        var request = context.Request;
        switch (context.Operation)
        {
            case IamOperation.ListUsers or IamOperation.ListGroups or IamOperation.ListRoles or IamOperation.ListPolicies or IamOperation.SimulateCustomPolicy:
                return ("*", []);
            case IamOperation.CreateUser:
                return (_store.Arn(IamEntityKind.User, NewPath(request), IamValidation.UserName(request.Required("UserName"))), []);
            case IamOperation.CreateGroup:
                return (_store.Arn(IamEntityKind.Group, NewPath(request), IamValidation.GroupName(request.Required("GroupName"))), []);
            case IamOperation.CreateRole:
                return (_store.Arn(IamEntityKind.Role, NewPath(request), IamValidation.RoleName(request.Required("RoleName"))), []);
            case IamOperation.CreatePolicy:
                return (_store.PolicyArn(NewPath(request), IamValidation.PolicyName(request.Required("PolicyName"))), []);
            case IamOperation.GetPolicy or IamOperation.GetPolicyVersion or IamOperation.ListPolicyVersions or IamOperation.CreatePolicyVersion
                or IamOperation.SetDefaultPolicyVersion or IamOperation.DeletePolicyVersion or IamOperation.DeletePolicy or IamOperation.ListEntitiesForPolicy:
                return (IamValidation.PolicyArn(request.Required("PolicyArn")), []);
            case IamOperation.SimulatePrincipalPolicy:
                return (IamValidation.PolicyArn(request.Required("PolicySourceArn"), "policySourceArn"), []);
            case IamOperation.GetAccessKeyLastUsed:
                var found = await _store.GetAccessKeyLastUsedAsync(IamValidation.AccessKeyId(request.Required("AccessKeyId")), context.Aborted).ConfigureAwait(false);
                return (found?.User?.Arn ?? "*", []);
            case IamOperation.GetUser when request.Get("UserName") is null:
                return (context.Principal.Arn, []);
        }

        var name = context.Operation.ToString();
        if (name.Contains("Group", StringComparison.Ordinal) && name != nameof(IamOperation.ListGroupsForUser))
        {
            return await ExistingAsync(IamEntityKind.Group, IamValidation.GroupName(request.Required("GroupName"))).ConfigureAwait(false);
        }

        if (name.Contains("Role", StringComparison.Ordinal))
        {
            return await ExistingAsync(IamEntityKind.Role, IamValidation.RoleName(request.Required("RoleName"))).ConfigureAwait(false);
        }

        return await ExistingAsync(IamEntityKind.User, context.UserNameOrCaller()).ConfigureAwait(false);

        async Task<(string, IReadOnlyList<KeyValuePair<string, string>>)> ExistingAsync(IamEntityKind kind, string entityName)
        {
            var existing = await _store.FindEntityAsync(kind, entityName, context.Aborted).ConfigureAwait(false);
            return existing is { } entity ? (entity.Arn, entity.Tags) : (_store.Arn(kind, "/", entityName), []);
        }
    }

    private static string NewPath(QueryRequest request) => request.Get("Path") is { } path ? IamValidation.Path(path) : "/";

    internal static QueryException Map(IamException e) => e.Error switch
    {
        IamError.NoSuchEntity => new QueryException("NoSuchEntity", 404, e.Message),
        IamError.EntityAlreadyExists => new QueryException("EntityAlreadyExists", 409, e.Message),
        IamError.DeleteConflict => new QueryException("DeleteConflict", 409, e.Message),
        IamError.LimitExceeded => new QueryException("LimitExceeded", 409, e.Message),
        IamError.MalformedPolicyDocument => new QueryException("MalformedPolicyDocument", 400, e.Message),
        _ => new QueryException("InvalidInput", 400, e.Message),
    };
}
