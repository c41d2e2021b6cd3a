using System.Globalization;
using Akka.Actor;
using static ActorSockets.Server.Chat.ChatProtocol;

namespace ActorSockets.Server.Chat;

/// <summary>
/// The person at the server's console answering chats (the <c>console</c> responder, as in the
/// seed). Shows each client's message as <c>[#n] text</c>; the operator answers with
/// <c>#n text</c>, or plain <c>text</c> when exactly one chat waits. A line that names no waiting
/// chat sends nothing and says why. Lines come from a background reader of standard input as
/// messages, so no receive ever blocks on the console.
/// </summary>
public sealed class ChatOperatorActor : ReceiveActor
{
    private readonly TextWriter _screen;
    private readonly SortedDictionary<long, IActorRef> _waiting = [];
    private bool _inputGone;

    public ChatOperatorActor(TextWriter screen)
    {
        _screen = screen;
        Receive<ClientSaid>(said =>
        {
            if (_inputGone)
            {
                said.Session.Tell(OperatorGone.Instance);
                return;
            }
            _waiting[said.SessionId] = said.Session;
            Context.WatchWith(said.Session, new Gone(said.SessionId));
            Show($"[#{said.SessionId}] {said.Text}");
        });
        Receive<ClientLeft>(left => Show($"[#{left.SessionId}] {left.Text}"));
        Receive<OperatorLine>(typed => Answer(typed.Line));
        Receive<Gone>(gone =>
        {
            if (_waiting.Remove(gone.SessionId))
                Show($"(chat #{gone.SessionId} ended before your answer)");
        });
        Receive<InputClosed>(closed =>
        {
            // Nobody can answer any more: waiting chats end now, rather than hold their places forever.
            _inputGone = true;
            var why = closed.Failure is null ? "is closed" : $"cannot be read ({closed.Failure})";
            Show($"(standard input {why}: no chat can be answered; ending {_waiting.Count} waiting chat(s), refusing new ones)");
            foreach (var session in _waiting.Values)
            {
                Context.Unwatch(session);
                session.Tell(OperatorGone.Instance);
            }
            _waiting.Clear();
        });
    }

    public static Props Props(TextWriter screen) => Akka.Actor.Props.Create(() => new ChatOperatorActor(screen));

    private void Answer(string line)
    {
        if (line.Trim().Length == 0)
            return;
        if (line.StartsWith('#'))
        {
            var space = line.IndexOf(' ');
            var number = space < 0 ? line[1..] : line[1..space];
            if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !_waiting.Remove(id, out var session))
            {
                Show($"(no chat #{number} is waiting for an answer; waiting: {Waiting()})");
                return;
            }
            Context.Unwatch(session);
            session.Tell(new ServerSays(space < 0 ? "" : line[(space + 1)..]));
            return;
        }
        switch (_waiting.Count)
        {
            case 0:
                Show("(no chat is waiting for an answer)");
                break;
            case 1:
                var (only, ref_) = _waiting.First();
                _waiting.Remove(only);
                Context.Unwatch(ref_);
                ref_.Tell(new ServerSays(line));
                break;
            default:
                Show($"(several chats are waiting: answer one with #n text; waiting: {Waiting()})");
                break;
        }
    }

    private string Waiting() => _waiting.Count == 0 ? "none" : string.Join(", ", _waiting.Keys.Select(k => $"#{k}"));

    /// <summary>The operator's screen is the console, as in the seed: a short, rare write, not a hot path.</summary>
    private void Show(string line) => _screen.WriteLine(line);

    private sealed record Gone(long SessionId);
}
