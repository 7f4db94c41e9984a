using System.Security.Cryptography;

namespace Coffer.Identity;

/// <summary>Random identifiers in AWS's alphabets.</summary>
internal static class RandomText
{
    private const string KeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>The part of an access key or entity id after its four-letter prefix.</summary>
    public static string KeyId(int length) => Random(KeyIdAlphabet, length);

    public static string Secret(int length) => Random(SecretAlphabet, length);

    private static string Random(string alphabet, int length) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });
}
