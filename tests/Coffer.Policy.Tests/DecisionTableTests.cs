using Coffer.Policy.Tests.DecisionTable;

namespace Coffer.Policy.Tests;

public sealed class DecisionTableTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Table.Cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decide_MatchesAwsDocumentedDecision(string name)
    {
        var row = Table.Cases[name];
        var request = row.ToRequest();

        Assert.Equal(row.Expected, PolicyEvaluator.Decide(request));
        Assert.Equal(row.Expected, PolicyEvaluator.Explain(request).Decision);
    }

    [Fact]
    public void Table_HasAtLeast150Rows() => Assert.True(Table.Cases.Count >= 150, $"{Table.Cases.Count} rows");
}
