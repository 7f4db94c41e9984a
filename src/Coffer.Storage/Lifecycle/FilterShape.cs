namespace Coffer.Storage.Lifecycle;

/// <summary>How a rule's scope was written, so that GetBucketLifecycleConfiguration answers in the same form.</summary>
public enum FilterShape
{
    /// <summary>A &lt;Filter&gt; with at most one condition.</summary>
    Filter,

    /// <summary>A &lt;Filter&gt;&lt;And&gt;…&lt;/And&gt;&lt;/Filter&gt;.</summary>
    And,

    /// <summary>The deprecated &lt;Prefix&gt; directly in the rule.</summary>
    RulePrefix,
}
