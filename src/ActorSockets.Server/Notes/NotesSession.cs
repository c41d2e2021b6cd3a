using System.Buffers;
using System.Text;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Notes;
using ActorSockets.Protocol.Settings;
using ActorSockets.Server.Services;
using Akka.Actor;
using static ActorSockets.Server.Notes.NotesProtocol;

namespace ActorSockets.Server.Notes;

/// <summary>
/// One client's notes session: turns requests into messages to the store and its answers into
/// reply lines. Over UDP a GET is one page that fits a datagram; over TCP a GET streams the whole
/// board in chunks, asking for the next only once the client has taken the last, so a slow reader
/// of a large board holds one chunk in memory, not the board. Remembers its last 1024 tagged POSTs,
/// so a retried POST (same tag, same text) gets its first OK again instead of a second note.
/// </summary>
internal sealed class NotesSession(IActorRef store, NodeClock clock, ServiceContext context) : IServiceSession
{

    private readonly ActorSocketsSettings _settings = context.Settings;
    private readonly Dictionary<string, (string Text, long Id)> _posted = [];
    private readonly Queue<string> _postedOrder = new();
    private long _correlation;
    private byte[] _tag = [];
    private string? _pendingPost;
    /// <summary>TCP GET under way: the last id sent and the last id this reply will hold.</summary>
    private long _streamedUpTo, _streamEnd;
    private bool _streaming;

    private bool Udp => _settings.Transport == Transport.Udp;

    public ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply)
    {
        _tag = tag.ToArray();
        switch (NotesRequest.Parse(body, _settings.NotesMaxNoteBytes))
        {
            case NotesRequest.Invalid invalid:
                Replies.WriteLine(reply, tag, invalid.ErrorLine);
                return ServiceStep.Complete;
            case NotesRequest.Post post when !tag.IsEmpty
                && _posted.TryGetValue(Encoding.ASCII.GetString(tag), out var earlier) && earlier.Text == post.Text:
                Replies.WriteLine(reply, tag, NotesReply.Ok(earlier.Id));
                return ServiceStep.Complete;
            case NotesRequest.Post post:
                _pendingPost = post.Text;
                // A tag of 16 characters or more is a board-wide idempotency key (PROTOCOL.md section 4).
                store.Tell(new StoreNote(post.Text, context.Session, ++_correlation,
                    tag.Length >= NotesReply.MinBoardKeyLength ? Encoding.ASCII.GetString(tag) : null,
                    clock.In(ServerTuning.ServiceTimeout - ServerTuning.StoreDeadlineMargin)));
                return ServiceStep.Pending;
            case NotesRequest.Get get:
                _streaming = false;
                store.Tell(Udp
                    ? new GetNotes(get.AfterId, 0, ServerTuning.GetChunkNotes, _settings.UdpMaxDatagramBytes, context.Session, ++_correlation)
                    : new GetNotes(get.AfterId, 0, ServerTuning.GetChunkNotes, ServerTuning.GetChunkBytes, context.Session, ++_correlation));
                _streamedUpTo = get.AfterId;
                return ServiceStep.Pending;
            default:
                throw new InvalidOperationException("unknown notes request");
        }
    }

    public ServiceStep Continue(object message, IBufferWriter<byte> reply)
    {
        switch (message)
        {
            case NoteStored stored when stored.Correlation == _correlation:
                Remember(stored.Id);
                context.Figures.NoteStored();
                Replies.WriteLine(reply, _tag, NotesReply.Ok(stored.Id));
                return ServiceStep.Complete;
            case NoteConflict conflict when conflict.Correlation == _correlation:
                _pendingPost = null;
                Replies.WriteLine(reply, _tag, NotesReply.Conflict);
                return ServiceStep.Complete;
            case NoteNotStored failed when failed.Correlation == _correlation:
                context.Figures.StorageError();
                Replies.WriteLine(reply, _tag, Replies.Storage(failed.Reason));
                return ServiceStep.Complete;
            case NotesNotRead failed when failed.Correlation == _correlation:
                // The store answers reads from the last board it held, so this comes only before the
                // first board is known: never in the middle of a reply.
                if (_streaming)
                    throw new InvalidOperationException("the notes store could not read in the middle of a GET");
                context.Figures.StorageError();
                Replies.WriteLine(reply, _tag, Replies.Storage(failed.Reason));
                return ServiceStep.Complete;
            case NotesChunk chunk when chunk.Correlation == _correlation:
                return Udp ? WritePage(chunk, reply) : WriteChunk(chunk, reply);
            default:
                return ServiceStep.NotMine;
        }
    }

    public ServiceStep Resume(IBufferWriter<byte> reply)
    {
        store.Tell(new GetNotes(_streamedUpTo, _streamEnd, ServerTuning.GetChunkNotes, ServerTuning.GetChunkBytes, context.Session, ++_correlation));
        return ServiceStep.Pending;
    }

    public bool Abandon(IBufferWriter<byte> reply)
    {
        _correlation++; // a late answer is no longer awaited
        if (_streaming)
            return true; // NOTES lines are under way: an error line now would break the reply's framing
        context.Figures.StorageError();
        Replies.WriteLine(reply, _tag, Replies.StorageUnavailable);
        return false;
    }

    /// <summary>UDP: one page, as full as the datagram allows, ending with MORE when notes are left.</summary>
    private ServiceStep WritePage(NotesChunk chunk, IBufferWriter<byte> reply)
    {
        var fit = NotesReply.FitPage(_tag.Length, chunk.Total, chunk.Notes, chunk.Remaining, _settings.UdpMaxDatagramBytes);
        if (fit == 0 && chunk.Notes.Count > 0)
        {
            // A note stored through TCP, or under a larger notes.max-note-bytes, can be larger than any page.
            Replies.WriteLine(reply, _tag, NotesReply.NoteTooLargeForPage(chunk.Notes[0], _settings.UdpMaxDatagramBytes));
            return ServiceStep.Complete;
        }
        Replies.WriteLine(reply, _tag, NotesReply.Header(chunk.Total, fit));
        for (var i = 0; i < fit; i++)
            NotesReply.WriteNote(reply, _tag, chunk.Notes[i]);
        if (fit < chunk.Remaining)
            Replies.WriteLine(reply, _tag, NotesReply.More(chunk.Notes[fit - 1].Id));
        return ServiceStep.Complete;
    }

    /// <summary>TCP: the header with the first chunk, then chunk after chunk up to the board's end as it was then.</summary>
    private ServiceStep WriteChunk(NotesChunk chunk, IBufferWriter<byte> reply)
    {
        if (!_streaming)
        {
            _streaming = true;
            _streamEnd = _streamedUpTo + chunk.Remaining;
            Replies.WriteLine(reply, _tag, NotesReply.Header(chunk.Total, chunk.Remaining));
        }
        foreach (var note in chunk.Notes)
            NotesReply.WriteNote(reply, _tag, note);
        if (chunk.Notes.Count > 0)
            _streamedUpTo = chunk.Notes[^1].Id;
        if (_streamedUpTo < _streamEnd && chunk.Notes.Count > 0)
            return ServiceStep.NeedsWritable;
        _streaming = false;
        return ServiceStep.Complete;
    }

    private void Remember(long id)
    {
        if (_tag.Length == 0 || _pendingPost is null)
            return;
        var tag = Encoding.ASCII.GetString(_tag);
        if (!_posted.ContainsKey(tag))
        {
            _postedOrder.Enqueue(tag);
            if (_postedOrder.Count > ServerTuning.RememberedTagsPerSession)
                _posted.Remove(_postedOrder.Dequeue());
        }
        _posted[tag] = (_pendingPost, id);
        _pendingPost = null;
    }
}
