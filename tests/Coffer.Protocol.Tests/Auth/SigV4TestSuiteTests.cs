using System.Text;
using Coffer.Protocol.Auth;

namespace Coffer.Protocol.Tests.Auth;

/// <summary>
/// Cases from AWS's Signature Version 4 test suite (service "service", region us-east-1,
/// 20150830T123600Z, AKIDEXAMPLE), each stage checked on its own so a failure names the stage.
/// </summary>
public sealed class SigV4TestSuiteTests
{
    private const string AmzDate = "20150830T123600Z";
    private const string Scope = "20150830/us-east-1/service/aws4_request";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    private static readonly Dictionary<string, SuiteCase> Cases = new SuiteCase[]
    {
        new(
            "get-vanilla", "GET", "/", [], [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        new(
            "get-vanilla-query-order-key-case", "GET", "/", [("Param2", "value2"), ("Param1", "value1")],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        new(
            "get-vanilla-query-order-key", "GET", "/", [("Param1", "value2"), ("Param1", "Value1")],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\nParam1=Value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89",
            "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"),
        new(
            "get-vanilla-query-order-value", "GET", "/", [("Param1", "value2"), ("Param1", "value1")],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\nParam1=value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606",
            "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"),
        new(
            "get-vanilla-query-unreserved", "GET", "/",
            [("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\n-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
            "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        new(
            "get-vanilla-utf8-query", "GET", "/", [("\u1234", "bar")],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        new(
            "get-utf8", "GET", "/\u1234", [],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            null,
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        new(
            "get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", [],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        new(
            "get-space", "GET", "/example space/", [],
            [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
            "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        new(
            "get-header-value-trim", "GET", "/", [],
            [("Host", "example.amazonaws.com"), ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        new(
            "get-header-key-duplicate", "GET", "/", [],
            [("Host", "example.amazonaws.com"), ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        new(
            "get-header-value-order", "GET", "/", [],
            [("Host", "example.amazonaws.com"), ("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2"), ("X-Amz-Date", AmzDate)], "",
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value4,value1,value3,value2\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86",
            "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        new(
            "post-vanilla", "POST", "/", [], [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        new(
            "post-vanilla-query", "POST", "/", [("Param1", "value1")], [("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)], "",
            "POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
            "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        new(
            "post-header-key-sort", "POST", "/", [],
            [("Host", "example.amazonaws.com"), ("My-Header1", "value1"), ("X-Amz-Date", AmzDate)], "",
            "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
            "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        new(
            "post-header-value-case", "POST", "/", [],
            [("Host", "example.amazonaws.com"), ("My-Header1", "VALUE1"), ("X-Amz-Date", AmzDate)], "",
            "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:VALUE1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93",
            "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        new(
            "post-x-www-form-urlencoded", "POST", "/", [],
            [("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com"), ("X-Amz-Date", AmzDate)],
            "Param1=value1",
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        new(
            "post-sts-header-before", "POST", "/", [],
            [
                ("Host", "example.amazonaws.com"),
                ("X-Amz-Date", AmzDate),
                ("X-Amz-Security-Token", "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="),
            ],
            "",
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==\n\nhost;x-amz-date;x-amz-security-token\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    public static TheoryData<string> CasesWithPublishedStringToSign =>
        new(Cases.Values.Where(c => c.StringToSignHash is not null).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CanonicalRequest_MatchesPublished(string name)
    {
        var suiteCase = Cases[name];

        Assert.Equal(suiteCase.CanonicalRequest, BuildCanonicalRequest(suiteCase));
    }

    [Theory]
    [MemberData(nameof(CasesWithPublishedStringToSign))]
    public void StringToSign_MatchesPublished(string name)
    {
        var suiteCase = Cases[name];

        var stringToSign = SigV4.StringToSign(AmzDate, SigV4.Scope("20150830", "us-east-1", "service"), suiteCase.CanonicalRequest);

        Assert.Equal($"AWS4-HMAC-SHA256\n{AmzDate}\n{Scope}\n{suiteCase.StringToSignHash}", stringToSign);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Signature_MatchesPublished(string name)
    {
        var suiteCase = Cases[name];
        var stringToSign = SigV4.StringToSign(AmzDate, Scope, BuildCanonicalRequest(suiteCase));

        var signature = SigV4.Signature(SigV4.SigningKey(Secret, "20150830", "us-east-1", "service"), stringToSign);

        Assert.Equal(suiteCase.Signature, signature);
    }

    [Fact]
    public void Signature_WithWrongSecret_DiffersFromPublished()
    {
        var suiteCase = Cases["get-vanilla"];
        var stringToSign = SigV4.StringToSign(AmzDate, Scope, suiteCase.CanonicalRequest);

        var signature = SigV4.Signature(
            SigV4.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"u8, "20150830", "us-east-1", "service"), stringToSign);

        Assert.NotEqual(suiteCase.Signature, signature);
    }

    /// <summary>What a verifier does with a request: encode the path, sort the query, fold and sort the headers, hash the body.</summary>
    private static string BuildCanonicalRequest(SuiteCase suiteCase)
    {
        var headers = suiteCase.Headers
            .GroupBy(h => h.Name.ToLowerInvariant())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, string>(g.Key, string.Join(',', g.Select(h => SigV4.CanonicalHeaderValue(h.Value)))))
            .ToList();
        var query = suiteCase.Query.Select(q => new KeyValuePair<string, string>(q.Name, q.Value));

        return SigV4.CanonicalRequest(
            suiteCase.Method,
            SigV4.UriEncode(suiteCase.Path, encodeSlash: false),
            SigV4.CanonicalQuery(query),
            headers,
            SigV4.HexSha256(suiteCase.Body));
    }

    private sealed record SuiteCase(
        string Name,
        string Method,
        string Path,
        (string Name, string Value)[] Query,
        (string Name, string Value)[] Headers,
        string Body,
        string CanonicalRequest,
        string? StringToSignHash,
        string Signature);
}
