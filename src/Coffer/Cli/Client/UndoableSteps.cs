namespace Coffer.Cli.Client;

/// <summary>
/// Runs the numbered steps of an all-or-nothing command. When a step fails, the steps already
/// done are undone in reverse order and the failure names the step; an undo that fails too is
/// reported as left behind rather than hidden.
/// </summary>
internal sealed class UndoableSteps(TextWriter log)
{
    private static readonly TimeSpan UndoTimeout = TimeSpan.FromMinutes(2);

    private readonly Stack<(string Description, Func<CancellationToken, Task> Undo)> _done = new();
    private int _number;

    /// <summary>Runs one step; <paramref name="undo"/> is what reverses it once it succeeded.</summary>
    public async Task<T> RunAsync<T>(string description, Func<Task<T>> step, Func<T, CancellationToken, Task>? undo)
    {
        var number = ++_number;
        T result;
        try
        {
            result = await step().ConfigureAwait(false);
        }
        catch (Exception e) when (e is CofferApiException or HttpRequestException or IOException or UnauthorizedAccessException or OperationCanceledException or UsageException or System.Xml.XmlException)
        {
            throw new StepFailedException(number, description, e);
        }

        if (undo is not null)
        {
            _done.Push((description, ct => undo(result, ct)));
        }

        return result;
    }

    public Task RunAsync(string description, Func<Task> step, Func<CancellationToken, Task>? undo) =>
        RunAsync<bool>(
            description,
            async () =>
            {
                await step().ConfigureAwait(false);
                return true;
            },
            undo is null ? null : (_, ct) => undo(ct));

    /// <summary>Undoes every step done so far; returns the descriptions of those that could not be undone.</summary>
    public async Task<List<string>> UndoAsync()
    {
        // Undo even when the command was cancelled: leaving half a user behind is worse than a late exit.
        using var timeout = new CancellationTokenSource(UndoTimeout);
        var leftBehind = new List<string>();
        while (_done.TryPop(out var step))
        {
            try
            {
                await step.Undo(timeout.Token).ConfigureAwait(false);
                await log.WriteLineAsync($"undone: {step.Description}").ConfigureAwait(false);
            }
            catch (Exception e) when (e is CofferApiException or HttpRequestException or IOException or OperationCanceledException or System.Xml.XmlException)
            {
                leftBehind.Add($"{step.Description} ({Describe(e)})");
            }
        }

        return leftBehind;
    }

    public static string Describe(Exception e) => e switch
    {
        CofferApiException api => $"{api.Code}: {api.Message}",
        OperationCanceledException => "cancelled",
        _ => e.Message,
    };
}
