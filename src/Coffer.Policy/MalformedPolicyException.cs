namespace Coffer.Policy;

/// <summary>A policy document that does not follow the grammar; the message says where.</summary>
public sealed class MalformedPolicyException(string message) : Exception(message);
