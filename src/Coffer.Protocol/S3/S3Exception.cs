using System.Diagnostics.CodeAnalysis;

namespace Coffer.Protocol.S3;

/// <summary>The one exception the front-end turns into an S3 error response.</summary>
public sealed class S3Exception : Exception
{
    public S3Exception(S3ErrorCode code, string? message = null)
        : base(message ?? S3Errors.Describe(code).Message)
    {
        Code = code;
        StatusCode = S3Errors.Describe(code).Status;
    }

    public S3ErrorCode Code { get; }

    public int StatusCode { get; }

    /// <summary>Extra elements AWS adds to some errors (e.g. ArgumentName, Key, BucketName).</summary>
    public List<KeyValuePair<string, string>> Details { get; } = [];

    public S3Exception With(string element, string? value)
    {
        if (value is not null)
        {
            Details.Add(new(element, value));
        }

        return this;
    }

    [DoesNotReturn]
    public static void Throw(S3ErrorCode code, string? message = null) => throw new S3Exception(code, message);

    public static S3Exception InvalidArgument(string message, string name, string? value) =>
        new S3Exception(S3ErrorCode.InvalidArgument, message).With("ArgumentName", name).With("ArgumentValue", value);
}
