using ActorSockets.Protocol.Settings;
using Akka.Actor;
using Spectre.Console;
using static ActorSockets.Server.Limiting.PictureProtocol;

namespace ActorSockets.Server.LiveView;

/// <summary>
/// The live view (README, "The live view"): four times a second it asks the limiter for its picture
/// (what the limiter knows anyway: figures and sessions) and hands it to the drawing thread, which
/// draws a frame with <see cref="LiveViewRenderer"/> at most as often. Sessions do nothing for it:
/// the limiter answers from the records it keeps.
/// </summary>
public sealed class LiveViewActor : UntypedActor, IWithTimers
{
    private const string TickKey = "picture";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly IActorRef _limiter;
    private readonly LiveViewScreen _screen;

    public LiveViewActor(IActorRef limiter, LiveViewScreen screen)
    {
        _limiter = limiter;
        _screen = screen;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef limiter, LiveViewScreen screen) => Akka.Actor.Props.Create(() => new LiveViewActor(limiter, screen));

    protected override void PreStart() => Timers.StartPeriodicTimer(TickKey, Tick.Instance, TimeSpan.Zero, Interval);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick:
                _limiter.Tell(new PictureRequested(Self, LiveViewRenderer.SessionLines));
                break;
            case LimiterPicture picture:
                _screen.Show(picture);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
        private Tick() { }
    }
}

/// <summary>
/// The terminal while the view owns it: a thread of its own redraws the latest picture and events
/// four times a second (Spectre.Console's live display), until the server stops.
/// </summary>
public sealed class LiveViewScreen(ActorSocketsSettings settings, ViewEvents events, IAnsiConsole console)
{
    private readonly CancellationTokenSource _stop = new();
    private LimiterPicture? _picture;
    private Task _drawing = Task.CompletedTask;

    /// <summary>What the listener says it listens on, once bound.</summary>
    public string Listener { get; set; } = "binding…";

    public void Show(LimiterPicture picture) => Volatile.Write(ref _picture, picture);

    public void Start()
    {
        _drawing = Task.Factory.StartNew(() => console.Live(Frame()).AutoClear(false).Start(context =>
        {
            while (!_stop.IsCancellationRequested)
            {
                context.UpdateTarget(Frame());
                _stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
            }
            context.UpdateTarget(Frame()); // the last picture stays on the screen
        }), TaskCreationOptions.LongRunning);
    }

    private Spectre.Console.Rendering.IRenderable Frame() =>
        LiveViewRenderer.Render(settings, Listener, Volatile.Read(ref _picture), events.Last(), Environment.TickCount64);

    /// <summary>Draws the last frame and gives the terminal back (to the lines written after it).</summary>
    public void Stop()
    {
        _stop.Cancel();
        _drawing.Wait(TimeSpan.FromSeconds(2));
    }
}
