using System.Text;
using Coffer.Protocol.S3;
using Coffer.Storage.Locking;

namespace Coffer.Protocol.Tests.S3;

public sealed class ObjectLockConfigurationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FromXml_TheAwsExample_HasAGovernanceDefaultOfFiftyDays()
    {
        // The example of the PutObjectLockConfiguration API reference.
        var configuration = ObjectLockConfiguration.FromXml("""
            <ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <ObjectLockEnabled>Enabled</ObjectLockEnabled>
              <Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>50</Days></DefaultRetention></Rule>
            </ObjectLockConfiguration>
            """u8.ToArray());

        Assert.Equal(new ObjectLockConfiguration(RetentionMode.Governance, 50, null), configuration);
        Assert.Equal(new ObjectRetention(RetentionMode.Governance, Now.AddDays(50)), configuration.DefaultRetention(Now));
    }

    [Fact]
    public void FromXml_WithoutARule_TurnsLockOnWithoutADefault()
    {
        var configuration = ObjectLockConfiguration.FromXml("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"u8.ToArray());

        Assert.Same(ObjectLockConfiguration.Enabled, configuration);
        Assert.Null(configuration.DefaultRetention(Now));
    }

    [Fact]
    public void Stored_RoundTrips()
    {
        var configuration = new ObjectLockConfiguration(RetentionMode.Compliance, null, 7);

        var again = ObjectLockConfiguration.FromXml(Encoding.UTF8.GetBytes(configuration.ToStored()));

        Assert.Equal(configuration, again);
        Assert.Equal(Now.AddYears(7), again.DefaultRetention(Now)!.RetainUntil);
    }

    [Theory]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>governance</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>one</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule><Rule/></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidArgument")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>36501</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidArgument")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>-1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidArgument")]
    [InlineData("<LockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></LockConfiguration>", "MalformedXML")]
    public void FromXml_WhatS3Refuses_IsRefusedTheSameWay(string xml, string code)
    {
        var error = Assert.Throws<S3Exception>(() => ObjectLockConfiguration.FromXml(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(code, error.Code.ToString());
    }

    [Theory]
    [InlineData("2026-12-01T00:00:00Z", true)]
    [InlineData("2026-12-01T00:00:00.000Z", true)]
    [InlineData("2026-12-01T01:00:00+01:00", true)]
    [InlineData("2026-12-01", false)]
    [InlineData("tomorrow", false)]
    [InlineData("2026-13-01T00:00:00Z", false)]
    public void TryParseDate_TakesIso8601Timestamps(string value, bool valid)
    {
        Assert.Equal(valid, ObjectLockConfiguration.TryParseDate(value, out var date));
        if (valid)
        {
            Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), date);
        }
    }
}
