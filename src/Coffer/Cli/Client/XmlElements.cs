using System.Xml.Linq;

namespace Coffer.Cli.Client;

/// <summary>Namespace-blind navigation of AWS XML answers, which put their elements in the service's namespace.</summary>
internal static class XmlElements
{
    public static XElement? Child(this XElement? parent, string name) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static IEnumerable<XElement> Children(this XElement? parent, string name) =>
        parent?.Elements().Where(e => e.Name.LocalName == name) ?? [];

    /// <summary>The text of the child element, or null when it is absent.</summary>
    public static string? ChildValue(this XElement? parent, string name) => parent.Child(name)?.Value;

    /// <summary>The text of a child element the answer must have.</summary>
    public static string Required(this XElement? parent, string name) =>
        parent.ChildValue(name) ?? throw new CofferApiException("InvalidResponse", $"the server's answer has no {name}", 200);
}
