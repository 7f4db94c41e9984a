using System.Security.Cryptography;

namespace Coffer.Identity;

/// <summary>AWS-shaped unique ids: a four-letter prefix (AKIA, AIDA, AGPA, AROA, ANPA) and 16 base32 characters.</summary>
internal static class IdentityIds
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static string New(string prefix) => prefix + Random(Base32, 16);

    public static string NewSecret() => Random(SecretAlphabet, 40);

    private static string Random(string alphabet, int length) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });
}
