using System.Globalization;
using ActorSockets.Protocol;

namespace ActorSockets.Client;

/// <summary>
/// Over UDP a GET answers one page at a time, ending with <c>MORE last-id</c> while notes are left;
/// this asks for every page and hands back one reply, <c>NOTES total count</c> and all the notes,
/// as TCP would have sent it. Each page request is idempotent, so the link simply retries a lost one.
/// </summary>
internal static class NotesPager
{
    /// <summary>Bounds the loop whatever the server says: no board needs more pages than this.</summary>
    private const int MaxPages = 1_000_000;

    public static async Task<IReadOnlyList<string>> RequestAsync(ServerLink link, string request, CancellationToken cancel)
    {
        var reply = await link.RequestAsync(request, cancel);
        if (!link.PagesReplies || !IsPage(reply, out var total, out var more) || more is null)
            return reply;

        var notes = new List<string>(reply.Skip(1).Take(reply.Count - 2));
        for (var page = 1; more is { } after && page < MaxPages; page++)
        {
            var next = await link.RequestAsync($"GET {after.ToString(CultureInfo.InvariantCulture)}", cancel);
            if (!IsPage(next, out total, out var nextMore))
                return next; // an error line: show it as it is
            var pageNotes = next.Skip(1).Take(next.Count - 1 - (nextMore is null ? 0 : 1)).ToList();
            if (pageNotes.Count == 0)
                break;
            notes.AddRange(pageNotes);
            more = nextMore;
        }
        return [$"NOTES {total.ToString(CultureInfo.InvariantCulture)} {notes.Count.ToString(CultureInfo.InvariantCulture)}", .. notes];
    }

    /// <summary>A page: <c>NOTES total count</c>, the notes, and maybe <c>MORE id</c>.</summary>
    private static bool IsPage(IReadOnlyList<string> reply, out long total, out long? more)
    {
        more = null;
        total = 0;
        if (reply.Count == 0 || !ReplyCollector.TryReadNotesHeader(reply[0], out total, out _))
            return false;
        if (reply[^1].StartsWith("MORE ", StringComparison.Ordinal)
            && long.TryParse(reply[^1]["MORE ".Length..], CultureInfo.InvariantCulture, out var id))
            more = id;
        return true;
    }
}
