using System.Text.Json;
using Coffer.Policy.Conditions;
using Coffer.Policy.Matching;

namespace Coffer.Policy.Parsing;

/// <summary>Parses and compiles one statement object; every error names the statement and element.</summary>
internal sealed class StatementParser(JsonElement element, int index, PolicyKind kind, bool variables, PolicyPosition start, PolicyPosition end)
{
    private string? _sid;

    public PolicyStatement Parse()
    {
        if (element.TryGetProperty("Sid", out var sidElement))
        {
            _sid = sidElement.ValueKind == JsonValueKind.String
                ? sidElement.GetString()
                : throw Fail("Sid", "Syntax errors in policy", "Sid must be a string");
        }

        JsonElement? effect = null, action = null, notAction = null, resource = null, notResource = null,
            principal = null, notPrincipal = null, condition = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Sid":
                    break;
                case "Effect":
                    effect = property.Value;
                    break;
                case "Action":
                    action = property.Value;
                    break;
                case "NotAction":
                    notAction = property.Value;
                    break;
                case "Resource":
                    resource = property.Value;
                    break;
                case "NotResource":
                    notResource = property.Value;
                    break;
                case "Principal":
                    principal = property.Value;
                    break;
                case "NotPrincipal":
                    notPrincipal = property.Value;
                    break;
                case "Condition":
                    condition = property.Value;
                    break;
                default:
                    throw Fail(property.Name, "Syntax errors in policy", $"unknown element '{property.Name}'");
            }
        }

        var parsedEffect = ParseEffect(effect);
        var actions = ParseActions(action, notAction);
        var (principals, negated) = ParsePrincipals(principal, notPrincipal, parsedEffect);
        var resources = ParseResources(resource, notResource);
        var conditions = condition is { } c ? ParseConditions(c) : [];
        return new PolicyStatement
        {
            Sid = _sid,
            Effect = parsedEffect,
            Start = start,
            End = end,
            Index = index,
            Actions = actions,
            Resources = resources,
            Principals = principals,
            PrincipalIsNegated = negated,
            Conditions = conditions,
        };
    }

    private Effect ParseEffect(JsonElement? effect)
    {
        if (effect is not { } value)
        {
            throw Fail("Effect", "Missing required field Effect", "every statement needs one");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() switch
        {
            "Allow" => Effect.Allow,
            "Deny" => Effect.Deny,
            var other => throw Fail("Effect", "Invalid effect", $"'{other}' is not Allow or Deny"),
        } : throw Fail("Effect", "Invalid effect", "Effect must be the string Allow or Deny");
    }

    private ActionSet ParseActions(JsonElement? action, JsonElement? notAction)
    {
        if (action is not null && notAction is not null)
        {
            throw Fail("Action", "Syntax errors in policy", "a statement has either Action or NotAction, not both");
        }

        if ((action ?? notAction) is not { } value)
        {
            throw Fail("Action", "Policy statement must contain actions", "missing Action or NotAction");
        }

        var name = action is not null ? "Action" : "NotAction";
        var texts = StringList(value, name);
        var patterns = new Pattern[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            var text = texts[i];
            if (!IsValidAction(text))
            {
                throw Fail(name, "Policy has invalid action", $"'{text}' is not \"*\" or service:action");
            }

            if (kind == PolicyKind.Trust && text != "*" && !text.StartsWith("sts:", StringComparison.OrdinalIgnoreCase))
            {
                throw Fail(name, "Trust policy has invalid action", $"'{text}' is not an sts action");
            }

            patterns[i] = Pattern.Compile(text, wildcards: true, variables: false, ignoreCase: true);
        }

        return new ActionSet(patterns, negated: notAction is not null);
    }

    private static bool IsValidAction(string text)
    {
        if (text == "*")
        {
            return true;
        }

        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var ok = i < colon
                ? char.IsAsciiLetterOrDigit(c) || c == '-'
                : i == colon || char.IsAsciiLetterOrDigit(c) || c is '*' or '?' or '-' or '_';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private ResourceSet? ParseResources(JsonElement? resource, JsonElement? notResource)
    {
        if (resource is not null && notResource is not null)
        {
            throw Fail("Resource", "Syntax errors in policy", "a statement has either Resource or NotResource, not both");
        }

        var name = resource is not null ? "Resource" : "NotResource";
        if (kind == PolicyKind.Trust)
        {
            return (resource ?? notResource) is null ? null : throw Fail(name, $"Has prohibited field {name}", "a trust policy's resource is the role itself");
        }

        if ((resource ?? notResource) is not { } value)
        {
            throw Fail("Resource", "Policy statement must contain resources", "missing Resource or NotResource");
        }

        var texts = StringList(value, name);
        var patterns = new ArnPattern[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            var text = texts[i];
            if (text != "*" && !text.StartsWith("arn:", StringComparison.Ordinal))
            {
                throw Fail(name, $"Resource {text} must be in ARN format or \"*\"", "invalid resource");
            }

            try
            {
                patterns[i] = ArnPattern.Compile(text, variables);
            }
            catch (FormatException e)
            {
                throw Fail(name, "Policy has invalid resource", e.Message);
            }
        }

        return new ResourceSet(patterns, negated: notResource is not null);
    }

    private (PrincipalSet? Principals, bool Negated) ParsePrincipals(JsonElement? principal, JsonElement? notPrincipal, Effect effect)
    {
        var present = principal ?? notPrincipal;
        var name = principal is not null ? "Principal" : "NotPrincipal";
        if (kind is PolicyKind.Identity or PolicyKind.Session)
        {
            return present is null ? (null, false) : throw Fail(name, "Policy document should not specify a principal", "identity and session policies apply to their holder");
        }

        if (principal is not null && notPrincipal is not null)
        {
            throw Fail("Principal", "Syntax errors in policy", "a statement has either Principal or NotPrincipal, not both");
        }

        if (present is not { } value)
        {
            throw Fail("Principal", "Missing required field Principal", "resource and trust policies must name who they apply to");
        }

        if (notPrincipal is not null && (kind == PolicyKind.Trust || effect != Effect.Deny))
        {
            throw Fail("NotPrincipal", "Syntax errors in policy", "NotPrincipal is only supported with Effect Deny in resource policies");
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() == "*"
                ? (new PrincipalSet(true, [], []), notPrincipal is not null)
                : throw Fail(name, "Invalid principal in policy", "a string Principal must be \"*\"");
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail(name, "Invalid principal in policy", "Principal must be \"*\" or an object");
        }

        var everyone = false;
        var accounts = new List<string>();
        var arns = new List<string>();
        foreach (var property in value.EnumerateObject())
        {
            var values = StringList(property.Value, $"{name}.{property.Name}");
            switch (property.Name)
            {
                case "AWS":
                    foreach (var text in values)
                    {
                        if (text == "*")
                        {
                            everyone = true;
                        }
                        else if (TryParseAwsPrincipal(text, out var account, out var arn))
                        {
                            if (account is not null)
                            {
                                accounts.Add(account);
                            }
                            else
                            {
                                arns.Add(arn!);
                            }
                        }
                        else
                        {
                            throw Fail(name, "Invalid principal in policy", $"\"AWS\":\"{text}\" is not an account ID, \"*\" or an IAM/STS ARN without wildcards");
                        }
                    }

                    break;
                case "Service":
                case "Federated":
                case "CanonicalUser":
                    // Kept valid for compatibility; Coffer has no such callers, so they never match.
                    foreach (var text in values)
                    {
                        if (text.Length == 0 || (text != "*" && text.AsSpan().ContainsAny('*', '?')))
                        {
                            throw Fail(name, "Invalid principal in policy", $"\"{property.Name}\":\"{text}\" may not contain wildcards");
                        }
                    }

                    break;
                default:
                    throw Fail(name, "Invalid principal in policy", $"unknown principal type '{property.Name}'");
            }
        }

        return (new PrincipalSet(everyone, [.. accounts], [.. arns]), notPrincipal is not null);
    }

    /// <summary>An account ID, the account's root ARN (both mean the account), or a user, role or session ARN.</summary>
    private static bool TryParseAwsPrincipal(string text, out string? account, out string? arn)
    {
        account = null;
        arn = null;
        if (IsAccountId(text))
        {
            account = text;
            return true;
        }

        var parts = text.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[1].Length == 0 || parts[3].Length != 0
            || !IsAccountId(parts[4]) || text.AsSpan().ContainsAny('*', '?'))
        {
            return false;
        }

        var resource = parts[5];
        if (parts[2] == "iam" && resource == "root")
        {
            account = parts[4];
            return true;
        }

        var valid = parts[2] switch
        {
            "iam" => resource.StartsWith("user/", StringComparison.Ordinal) || resource.StartsWith("role/", StringComparison.Ordinal),
            "sts" => resource.StartsWith("assumed-role/", StringComparison.Ordinal) || resource.StartsWith("federated-user/", StringComparison.Ordinal),
            _ => false,
        };
        if (valid)
        {
            arn = text;
        }

        return valid;
    }

    private static bool IsAccountId(string text) => text.Length == 12 && !text.AsSpan().ContainsAnyExceptInRange('0', '9');

    private ConditionClause[] ParseConditions(JsonElement condition)
    {
        if (condition.ValueKind != JsonValueKind.Object)
        {
            throw Fail("Condition", "Syntax errors in policy", "Condition must be an object of operators");
        }

        var clauses = new List<ConditionClause>();
        foreach (var block in condition.EnumerateObject())
        {
            if (!ConditionOperator.TryParse(block.Name, out var op))
            {
                throw Fail("Condition", "Syntax errors in policy", $"unknown condition operator '{block.Name}'");
            }

            if (block.Value.ValueKind != JsonValueKind.Object)
            {
                throw Fail($"Condition.{block.Name}", "Syntax errors in policy", "an operator takes an object of condition keys");
            }

            foreach (var entry in block.Value.EnumerateObject())
            {
                var where = $"Condition.{block.Name}.{entry.Name}";
                if (entry.Name.Length == 0)
                {
                    throw Fail(where, "Syntax errors in policy", "a condition key must not be empty");
                }

                var values = ConditionValues(entry.Value, where);
                try
                {
                    clauses.Add(new ConditionClause(op!, entry.Name, values, variables));
                }
                catch (FormatException e)
                {
                    throw Fail(where, "Invalid condition value", e.Message);
                }
            }
        }

        return [.. clauses];
    }

    /// <summary>A condition value: a string, number or boolean, or an array of them; all kept as text.</summary>
    private string[] ConditionValues(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return [ScalarText(value, where)];
        }

        var values = new string[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            values[i++] = ScalarText(item, where);
        }

        return values;
    }

    private string ScalarText(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw Fail(where, "Syntax errors in policy", "a condition value must be a string, number, boolean or an array of them"),
    };

    private string[] StringList(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Fail(where, "Syntax errors in policy", "expected a string or a non-empty array of strings");
        }

        var values = new string[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            values[i++] = item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw Fail(where, "Syntax errors in policy", "expected a string or a non-empty array of strings");
        }

        return values;
    }

    private MalformedPolicyException Fail(string element, string awsMessage, string detail)
    {
        var sid = _sid is null ? string.Empty : $", Sid \"{_sid}\"";
        return new MalformedPolicyException($"{awsMessage}: {detail} (statement {index + 1}{sid}, element {element}).");
    }
}
