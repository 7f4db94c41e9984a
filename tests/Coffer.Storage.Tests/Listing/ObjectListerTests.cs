using System.Text;
using Coffer.Storage.Listing;

namespace Coffer.Storage.Tests.Listing;

public sealed class ObjectListerTests
{
    [Fact]
    public async Task List_WithoutDelimiter_ReturnsEveryKeyUnderThePrefixInByteOrder()
    {
        var reader = new InMemoryKeyRangeReader(["b", "ab", "abc", "a", "abd/x", "ac", "aa"]);

        var page = await ListAsync(reader, new ListQuery("ab", null, null, 1000));

        Assert.Equal(["ab", "abc", "abd/x"], Keys(page));
        Assert.Empty(page.CommonPrefixes);
        Assert.False(page.IsTruncated);
    }

    [Fact]
    public async Task List_WithDelimiter_RollsKeysUpIntoCommonPrefixes()
    {
        var reader = new InMemoryKeyRangeReader(["a/1", "a/2", "b", "c/x/y", "c/z", "d"]);

        var page = await ListAsync(reader, new ListQuery("", "/", null, 1000));

        Assert.Equal(["b", "d"], Keys(page));
        Assert.Equal(["a/", "c/"], page.CommonPrefixes);
        Assert.False(page.IsTruncated);
    }

    [Fact]
    public async Task List_WithPrefixAndDelimiter_RollsUpAfterThePrefix()
    {
        // The S3 guide's example: photos/2006/ with delimiter / lists the months as prefixes.
        var reader = new InMemoryKeyRangeReader(
        [
            "sample.jpg", "photos/2006/January/sample.jpg", "photos/2006/February/sample2.jpg",
            "photos/2006/February/sample3.jpg", "photos/2006/February/sample4.jpg", "photos/2006/index.html",
        ]);

        var page = await ListAsync(reader, new ListQuery("photos/2006/", "/", null, 1000));

        Assert.Equal(["photos/2006/February/", "photos/2006/January/"], page.CommonPrefixes);
        Assert.Equal(["photos/2006/index.html"], Keys(page));
    }

    [Fact]
    public async Task List_KeyEqualToPrefixEndingInDelimiter_IsAKeyNotAPrefix()
    {
        var reader = new InMemoryKeyRangeReader(["dir/", "dir/a", "dir/sub/b"]);

        var page = await ListAsync(reader, new ListQuery("dir/", "/", null, 1000));

        Assert.Equal(["dir/", "dir/a"], Keys(page));
        Assert.Equal(["dir/sub/"], page.CommonPrefixes);
    }

    [Fact]
    public async Task List_WithMultiCharacterDelimiter_RollsUpAtTheWholeDelimiter()
    {
        var reader = new InMemoryKeyRangeReader(["a--b--c", "a--d", "a-e", "b", "c-", "c--"]);

        var page = await ListAsync(reader, new ListQuery("", "--", null, 1000));

        Assert.Equal(["a--", "c--"], page.CommonPrefixes);
        Assert.Equal(["a-e", "b", "c-"], Keys(page));
        Assert.Equal("c--", page.LastReturned);
    }

    [Fact]
    public async Task List_WithNonAsciiDelimiter_RollsUpAtItsUtf8Bytes()
    {
        var reader = new InMemoryKeyRangeReader(["x\u00e9y\u00e9z", "x\u00e9w", "xe", "x\u00c3"]);

        var page = await ListAsync(reader, new ListQuery("x", "\u00e9", null, 1000));

        Assert.Equal(["x\u00e9"], page.CommonPrefixes);
        Assert.Equal(["xe", "x\u00c3"], Keys(page));
    }

    [Fact]
    public async Task List_StartAfterInsideACommonPrefix_DoesNotReturnThatPrefixAgain()
    {
        var reader = new InMemoryKeyRangeReader(["a/1", "a/2", "a/3", "b/1", "c"]);

        var page = await ListAsync(reader, new ListQuery("", "/", "a/2", 1000));

        Assert.Equal(["b/"], page.CommonPrefixes);
        Assert.Equal(["c"], Keys(page));
    }

    [Fact]
    public async Task List_StartAfterJustBeforeACommonPrefix_ReturnsThatPrefix()
    {
        var reader = new InMemoryKeyRangeReader(["prefix1/object", "prefix2/object"]);

        var page = await ListAsync(reader, new ListQuery("prefix", "/", "prefix1", 1000));

        Assert.Equal(["prefix1/", "prefix2/"], page.CommonPrefixes);
    }

    [Fact]
    public async Task List_StartAfterACommonPrefixItself_ContinuesAfterEverythingBeneathIt()
    {
        var reader = new InMemoryKeyRangeReader(["a/", "a/1", "a/2", "a0", "b"]);

        var page = await ListAsync(reader, new ListQuery("", "/", "a/", 1000));

        Assert.Empty(page.CommonPrefixes);
        Assert.Equal(["a0", "b"], Keys(page));
    }

    [Fact]
    public async Task List_StartAfterIsExclusive()
    {
        var reader = new InMemoryKeyRangeReader(["a", "b", "c"]);

        var page = await ListAsync(reader, new ListQuery("", null, "b", 1000));

        Assert.Equal(["c"], Keys(page));
    }

    [Fact]
    public async Task List_StartAfterBeforeThePrefix_StartsAtThePrefix()
    {
        var reader = new InMemoryKeyRangeReader(["a", "m1", "m2", "z"]);

        var page = await ListAsync(reader, new ListQuery("m", null, "b", 1000));

        Assert.Equal(["m1", "m2"], Keys(page));
    }

    [Fact]
    public async Task List_StartAfterBeyondThePrefix_IsEmptyAndComplete()
    {
        var reader = new InMemoryKeyRangeReader(["m1", "m2", "z"]);

        var page = await ListAsync(reader, new ListQuery("m", null, "n", 1000));

        Assert.Empty(page.Entries);
        Assert.False(page.IsTruncated);
    }

    [Fact]
    public async Task List_MaxKeys_CountsKeysAndCommonPrefixesTogether()
    {
        var reader = new InMemoryKeyRangeReader(["a/1", "a/2", "b", "c/1", "d"]);

        var first = await ListAsync(reader, new ListQuery("", "/", null, 2));
        var second = await ListAsync(reader, new ListQuery("", "/", first.LastReturned, 2));

        Assert.Equal(["a/"], first.CommonPrefixes);
        Assert.Equal(["b"], Keys(first));
        Assert.True(first.IsTruncated);
        Assert.Equal("b", first.LastReturned);
        Assert.Equal(["c/"], second.CommonPrefixes);
        Assert.Equal(["d"], Keys(second));
        Assert.False(second.IsTruncated);
    }

    [Fact]
    public async Task List_ExactlyMaxKeysLeft_IsNotTruncated()
    {
        var reader = new InMemoryKeyRangeReader(["a", "b", "c"]);

        var page = await ListAsync(reader, new ListQuery("", null, null, 3));

        Assert.Equal(3, page.Entries.Count);
        Assert.False(page.IsTruncated);
    }

    [Fact]
    public async Task List_OneMoreThanMaxKeys_IsTruncatedAtTheBoundary()
    {
        var reader = new InMemoryKeyRangeReader(["a", "b", "c", "d"]);

        var page = await ListAsync(reader, new ListQuery("", null, null, 3));

        Assert.Equal(["a", "b", "c"], Keys(page));
        Assert.True(page.IsTruncated);
        Assert.Equal("c", page.LastReturned);
    }

    [Fact]
    public async Task List_PageEndingOnTheLastCommonPrefix_IsNotTruncated()
    {
        var reader = new InMemoryKeyRangeReader(["a", "b/1", "b/2", "b/3"]);

        var page = await ListAsync(reader, new ListQuery("", "/", null, 2));

        Assert.Equal(["a"], Keys(page));
        Assert.Equal(["b/"], page.CommonPrefixes);
        Assert.False(page.IsTruncated);
    }

    [Fact]
    public async Task List_PageEndingOnACommonPrefixWithMoreAfter_IsTruncated()
    {
        var reader = new InMemoryKeyRangeReader(["a", "b/1", "b/2", "c"]);

        var page = await ListAsync(reader, new ListQuery("", "/", null, 2));

        Assert.Equal(["b/"], page.CommonPrefixes);
        Assert.True(page.IsTruncated);
        Assert.Equal("b/", page.LastReturned);
    }

    [Fact]
    public async Task List_MaxKeysOfThousand_CrossesTheReadBatchWithoutLosingOrRepeatingKeys()
    {
        var keys = Enumerable.Range(0, 2500).Select(i => $"k{i:D5}").ToList();
        var reader = new InMemoryKeyRangeReader(keys);

        var first = await ListAsync(reader, new ListQuery("", null, null, 1000));
        var second = await ListAsync(reader, new ListQuery("", null, first.LastReturned, 1000));
        var third = await ListAsync(reader, new ListQuery("", null, second.LastReturned, 1000));

        Assert.Equal(keys, Keys(first).Concat(Keys(second)).Concat(Keys(third)));
        Assert.True(first.IsTruncated);
        Assert.True(second.IsTruncated);
        Assert.False(third.IsTruncated);
        Assert.Equal(500, third.Entries.Count);
    }

    [Fact]
    public async Task List_MaxKeysZero_ReturnsNothingAndReadsNothing()
    {
        var reader = new InMemoryKeyRangeReader(["a"]);

        var page = await ListAsync(reader, new ListQuery("", null, null, 0));

        Assert.Empty(page.Entries);
        Assert.Equal(0, reader.Calls);
    }

    [Fact]
    public async Task List_KeysWithHighBytes_AreInUtf8ByteOrderNotUtf16Order()
    {
        // U+FFFD is EF BF BD in UTF-8 and sorts before U+1F600 (F0 9F 98 80), though in UTF-16
        // the surrogate D83D sorts first; U+00E9 (C3 A9) sorts after every ASCII key.
        string[] keys = ["\U0001F600", "\uFFFD", "\u00e9", "z", "\uE000"];
        var reader = new InMemoryKeyRangeReader(keys);

        var page = await ListAsync(reader, new ListQuery("", null, null, 1000));

        Assert.Equal(["z", "\u00e9", "\uE000", "\uFFFD", "\U0001F600"], Keys(page));
        Assert.True(string.CompareOrdinal("\U0001F600", "\uFFFD") < 0, "UTF-16 order would put the emoji first.");
    }

    [Fact]
    public async Task List_StartAfterWithHighBytes_ResumesInByteOrder()
    {
        var reader = new InMemoryKeyRangeReader(["a", "\uFFFD", "\U0001F600", "\U0001F601"]);

        var page = await ListAsync(reader, new ListQuery("", null, "\uFFFD", 1000));

        Assert.Equal(["\U0001F600", "\U0001F601"], Keys(page));
    }

    [Fact]
    public async Task List_PrefixEndingInHighByte_StopsAtItsUpperBound()
    {
        var reader = new InMemoryKeyRangeReader(["\u00ff", "\u00ffa", "\u00ff\u00ff", "\u0100", "\u0100a"]);

        var page = await ListAsync(reader, new ListQuery("\u00ff", null, null, 1000));

        Assert.Equal(["\u00ff", "\u00ffa", "\u00ff\u00ff"], Keys(page));
    }

    [Fact]
    public async Task List_ManyKeysUnderFewFolders_ReadsAboutOneRowPerFolder()
    {
        var keys = Enumerable.Range(0, 100_000).Select(i => $"folder{i % 10}/object{i:D6}");
        var reader = new InMemoryKeyRangeReader(keys);

        var page = await ListAsync(reader, new ListQuery("", "/", null, 1000));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"folder{i}/"), page.CommonPrefixes);
        Assert.Empty(page.Entries);
        Assert.False(page.IsTruncated);
        Assert.True(page.RowsRead <= 20, $"Read {page.RowsRead} rows to list 10 common prefixes.");
        Assert.Equal(page.RowsRead, reader.RowsReturned);
    }

    [Fact]
    public async Task List_ManyKeysUnderManyFolders_CostFollowsThePageSize()
    {
        var keys = Enumerable.Range(0, 50_000).Select(i => $"d{i % 500:D3}/o{i:D6}");
        var reader = new InMemoryKeyRangeReader(keys);

        var page = await ListAsync(reader, new ListQuery("", "/", null, 100));

        Assert.Equal(100, page.CommonPrefixes.Count);
        Assert.True(page.IsTruncated);
        Assert.True(page.RowsRead <= 300, $"Read {page.RowsRead} rows for a page of 100 common prefixes.");
    }

    [Fact]
    public async Task List_PlainKeysWithDelimiter_StillReadsInLargeBatches()
    {
        var keys = Enumerable.Range(0, 3000).Select(i => $"k{i:D5}");
        var reader = new InMemoryKeyRangeReader(keys);

        var page = await ListAsync(reader, new ListQuery("", "/", null, 1000));

        Assert.Equal(1000, page.Entries.Count);
        Assert.True(page.RowsRead <= 2100, $"Read {page.RowsRead} rows for a page of 1000 keys.");
        Assert.True(reader.Calls <= 20, $"Made {reader.Calls} reads for a page of 1000 keys.");
        Assert.True(reader.LargestLimit <= 1001);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, 3)]
    [InlineData("/", 1)]
    [InlineData("/", 2)]
    [InlineData("/", 7)]
    [InlineData("-", 5)]
    [InlineData("ab", 4)]
    public async Task List_PagedWithLastReturned_EqualsOneUnpagedListingOfTheModel(string? delimiter, int maxKeys)
    {
        var random = new Random(7);
        var alphabet = new[] { "a", "b", "/", "-", "\u00e9", "\uFFFD", "\U0001F600" };
        var keys = Enumerable.Range(0, 400)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => alphabet[random.Next(alphabet.Length)])))
            .Distinct()
            .ToList();
        var reader = new InMemoryKeyRangeReader(keys);

        foreach (var prefix in new[] { "", "a", "a/", "\u00e9" })
        {
            var expected = Model(keys, prefix, delimiter);
            var listed = new List<string>();
            string? startAfter = null;
            for (var pages = 0; ; pages++)
            {
                Assert.True(pages <= expected.Count + 1, "Paging did not finish.");
                var page = await ListAsync(reader, new ListQuery(prefix, delimiter, startAfter, maxKeys));
                Assert.True(page.Entries.Count + page.CommonPrefixes.Count <= maxKeys);
                listed.AddRange(Merge(page));
                if (!page.IsTruncated)
                {
                    break;
                }

                startAfter = page.LastReturned;
            }

            Assert.Equal(expected, listed);
        }
    }

    /// <summary>S3's listing by definition: keys in byte order, each rolled up to its first delimiter after the prefix.</summary>
    private static List<string> Model(IEnumerable<string> keys, string prefix, string? delimiter)
    {
        var items = new List<string>();
        foreach (var key in keys.OrderBy(Encoding.UTF8.GetBytes, ByteOrder.Instance))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var at = string.IsNullOrEmpty(delimiter) ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            var item = at < 0 ? key : key[..(at + delimiter!.Length)];
            if (items.Count == 0 || items[^1] != item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    /// <summary>A page's keys and common prefixes in the order they were listed.</summary>
    private static IEnumerable<string> Merge(ListPage page) =>
        Keys(page).Concat(page.CommonPrefixes).OrderBy(Encoding.UTF8.GetBytes, ByteOrder.Instance);

    private static List<string> Keys(ListPage page) => page.Entries.Select(e => Encoding.UTF8.GetString(e.Key)).ToList();

    private static Task<ListPage> ListAsync(IKeyRangeReader reader, ListQuery query) =>
        ObjectLister.ListAsync(reader, query, CancellationToken.None);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
