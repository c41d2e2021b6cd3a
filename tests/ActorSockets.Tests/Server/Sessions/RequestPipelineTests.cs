using System.Buffers;
using System.Net;
using System.Text;
using ActorSockets.Server;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sessions;
using ActorSockets.Server.Sum;
using ActorSockets.Tests.Support;

namespace ActorSockets.Tests.Server.Sessions;

/// <summary>The request pipeline without an actor system: a recorder stands in for the session, a hand-moved clock for time.</summary>
public class RequestPipelineTests
{
    /// <summary>What the pipeline asked of its session, in order.</summary>
    private sealed class Recorder : ISessionEffects
    {
        public List<string> Effects { get; } = [];
        public void AskStats(long unreportedRequests) => Effects.Add($"ask-stats {unreportedRequests}");
        public void AwaitingService(long deadlineMs) => Effects.Add($"awaiting-service {deadlineMs}");
        public void RequestAnswered() { }
        public void OutputReady() { }
        public void Ending(SessionEndReason reason) => Effects.Add($"ending {reason}");
        public void CaughtUp() => Effects.Add("caught-up");
    }

    /// <summary>A service whose every request is answered later, by a message: <c>answer:TEXT</c>.</summary>
    private sealed class LaterService : IService, IServiceSession
    {
        public IReadOnlyList<string> HelpLines => [];
        public IServiceSession Open(ServiceContext context) => this;

        public ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply) => ServiceStep.Pending;

        public ServiceStep Continue(object message, IBufferWriter<byte> reply)
        {
            if (message is not string text || !text.StartsWith("answer:", StringComparison.Ordinal))
                return ServiceStep.NotMine;
            ActorSockets.Protocol.Replies.WriteLine(reply, default, text["answer:".Length..]);
            return ServiceStep.Complete;
        }

        public ServiceStep Resume(IBufferWriter<byte> reply) => ServiceStep.Complete;

        public bool Abandon(IBufferWriter<byte> reply)
        {
            ActorSockets.Protocol.Replies.WriteLine(reply, default, "ERR storage: too late");
            return false;
        }
    }

    /// <summary>A service whose reply comes in parts (<c>NeedsWritable</c>), whose turn-taking can be set, and which takes unasked messages.</summary>
    private sealed class PartsService(int parts) : IService, IServiceSession
    {
        private int _left;

        public bool ClientsTurnNow { get; set; } = true;
        public IReadOnlyList<string> HelpLines => [];
        public bool ClientsTurn => ClientsTurnNow;
        public IServiceSession Open(ServiceContext context) => this;

        public ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply)
        {
            _left = parts;
            return Resume(reply);
        }

        public ServiceStep Continue(object message, IBufferWriter<byte> reply)
        {
            if (message is not "unasked")
                return ServiceStep.NotMine;
            ActorSockets.Protocol.Replies.WriteLine(reply, default, "said unasked");
            return ServiceStep.Complete;
        }

        public ServiceStep Resume(IBufferWriter<byte> reply)
        {
            ActorSockets.Protocol.Replies.WriteLine(reply, default, $"part {parts - _left + 1}");
            return --_left > 0 ? ServiceStep.NeedsWritable : ServiceStep.Complete;
        }

        public bool Abandon(IBufferWriter<byte> reply) => false;
    }

    private readonly Recorder _recorder = new();
    private long _nowMs = 1_000;

    private RequestPipeline Start(IService? service = null, params string[] sets)
    {
        var info = new SessionInfo(1, new IPEndPoint(IPAddress.Loopback, 40000), TestSettings.Create(["timeout=off", .. sets]), service ?? SumService.Instance);
        var pipeline = new RequestPipeline(info, info.Service.Open(new ServiceContext(Akka.Actor.ActorRefs.Nobody, 1, info.Settings)), _recorder, () => _nowMs);
        pipeline.Start();
        return pipeline;
    }

    private static void Lines(RequestPipeline pipeline, params string[] lines)
    {
        foreach (var line in lines)
            pipeline.OnLine(Encoding.UTF8.GetBytes(line));
    }

    private static string Output(RequestPipeline pipeline)
    {
        var text = Encoding.UTF8.GetString(pipeline.Outgoing.WrittenSpan);
        pipeline.Outgoing.Clear();
        return text;
    }

    [Fact]
    public void Requests_are_answered_in_order_with_their_tags()
    {
        var pipeline = Start();
        Lines(pipeline, "3 4", "@t 1.5 2.25", "PING", "@x", "nonsense", "", "@bad! 1");
        Assert.Equal("7\n@t 3.75\nPONG\n@x ERR syntax: nothing after the tag\nERR syntax: expected two numbers, e.g. \"3 4\"\n" +
            "ERR syntax: a tag is @ and 1 to 32 of A-Z a-z 0-9 _ - followed by a space and a request\n", Output(pipeline));
    }

    [Fact]
    public void Stats_is_answered_in_its_turn_and_later_requests_wait_for_it()
    {
        var pipeline = Start();
        Lines(pipeline, "1 1", "@s STATS", "2 2");
        Assert.Equal("2\n", Output(pipeline));
        Assert.Contains("ask-stats 2", _recorder.Effects); // its own count, so the figure is exact
        Assert.Equal(1, pipeline.WaitingCount);
        pipeline.OnStats(new SessionProtocol.StatsSnapshot(1, 5, 1, 0, 0, 0, 2));
        Assert.Equal("@s STATS clients=1/5 admitted=1 refused=0 timeouts=0 crashes=0 requests=2\n4\n", Output(pipeline));
        Assert.Equal("caught-up", _recorder.Effects[^1]);
    }

    [Fact]
    public void A_pending_answer_holds_later_requests_and_its_timeout_gives_the_services_error()
    {
        var pipeline = Start(new LaterService());
        Lines(pipeline, "first", "second", "PING");
        Assert.Equal("", Output(pipeline));
        Assert.Equal(2, pipeline.WaitingCount);
        Assert.False(pipeline.OnServiceMessage("not the answer"));
        Assert.True(pipeline.OnServiceMessage("answer:one"));
        Assert.Equal("one\n", Output(pipeline)); // "second" is now awaited
        Assert.True(pipeline.OnServiceTimeout());
        Assert.Equal("ERR storage: too late\nPONG\n", Output(pipeline));
        Assert.False(pipeline.OnServiceTimeout()); // nothing awaited any more
        Assert.Equal(2, _recorder.Effects.Count(e => e.StartsWith("awaiting-service ", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_overdue_answer_is_given_up_at_the_first_look_after_its_deadline_and_not_before()
    {
        var pipeline = Start(new LaterService());
        Lines(pipeline, "first", "PING");
        var deadline = _nowMs + (long)ServerTuning.ServiceTimeout.TotalMilliseconds;
        Assert.Equal($"awaiting-service {deadline}", _recorder.Effects[^1]);
        Assert.Equal(deadline, pipeline.ServiceDeadlineMs); // when the limiter must look at the latest

        _nowMs = deadline - 1;
        Assert.False(pipeline.OnTimeoutCheck()); // an early look changes nothing
        Assert.Equal("", Output(pipeline));
        _nowMs = deadline + 200;
        Assert.True(pipeline.OnTimeoutCheck());
        Assert.Equal("ERR storage: too late\nPONG\n", Output(pipeline));
        Assert.Equal(long.MaxValue, pipeline.ServiceDeadlineMs);
        Assert.False(pipeline.OnTimeoutCheck()); // nothing awaited any more

        Lines(pipeline, "second");
        Assert.True(pipeline.OnServiceMessage("answer:two")); // answered in time: no deadline left
        Assert.Equal(long.MaxValue, pipeline.ServiceDeadlineMs);
    }

    [Fact]
    public void The_idle_clock_counts_from_the_last_non_blank_request_and_says_bye_when_it_runs_out()
    {
        var pipeline = Start(sets: "timeout=1s");
        Assert.Equal(_nowMs + 1000, pipeline.IdleExpiryMs);
        _nowMs += 600;
        Lines(pipeline, "PING", "   ", "");      // a request; blanks are no activity
        var ping = _nowMs;
        _nowMs += 600;
        pipeline.OnTimeoutCheck();               // 600 ms since the PING: not yet, look again 1 s after it
        Assert.Null(pipeline.EndReason);
        Assert.Equal(ping + 1000, pipeline.IdleExpiryMs);
        _nowMs += 400;
        Output(pipeline);
        pipeline.OnTimeoutCheck();
        Assert.Equal("BYE timeout: idle for 1s\n", Output(pipeline));
        Assert.Equal((SessionEndReason?)SessionEndReason.Timeout, pipeline.EndReason);
        Assert.Equal("ending Timeout", _recorder.Effects[^1]);
    }

    [Fact]
    public void While_the_server_owes_an_answer_the_client_is_not_idle_and_its_clock_starts_afresh_after()
    {
        var pipeline = Start(new LaterService(), "timeout=1s");
        Lines(pipeline, "slow");
        _nowMs += 5_000;
        pipeline.OnTimeoutCheck();                // paused: no timeout
        Assert.Null(pipeline.EndReason);
        Assert.Equal(_nowMs + 1000, pipeline.IdleExpiryMs); // it can only start afresh
        pipeline.OnServiceMessage("answer:done");
        Assert.Equal(_nowMs + 1000, pipeline.IdleExpiryMs); // afresh now
        _nowMs += 999;
        pipeline.OnTimeoutCheck();
        Assert.Null(pipeline.EndReason);
        _nowMs += 1;
        pipeline.OnTimeoutCheck();
        Assert.Equal((SessionEndReason?)SessionEndReason.Timeout, pipeline.EndReason);
    }

    [Fact]
    public void Quit_is_the_last_answer_and_a_line_over_the_limit_ends_after_those_before_it()
    {
        var quitting = Start();
        Lines(quitting, "QUIT", "1 1");
        Assert.Equal("BYE quit\n", Output(quitting));
        Assert.Equal("ending Quit", _recorder.Effects[^1]);

        var tooLong = Start();
        Lines(tooLong, "1 1");
        tooLong.OnOversizedRequest("ERR too-long: line exceeds 8192 bytes", endsSession: true);
        Lines(tooLong, "2 2");
        Assert.Equal("2\nERR too-long: line exceeds 8192 bytes\n", Output(tooLong));
        Assert.Equal((SessionEndReason?)SessionEndReason.LineTooLong, tooLong.EndReason);
    }

    [Fact]
    public void Crash_throws_only_when_the_debug_command_is_on()
    {
        Lines(Start(), "CRASH");
        Assert.Throws<SessionProtocol.RequestedCrashException>(() => Lines(Start(sets: "debug.crash-command=on"), "CRASH"));
    }

    [Fact]
    public void A_long_reply_goes_on_part_by_part_as_the_transport_takes_it_and_later_requests_wait()
    {
        var pipeline = Start(new PartsService(3));
        Lines(pipeline, "big", "PING");
        Assert.Equal("part 1\n", Output(pipeline));
        Assert.Equal(1, pipeline.WaitingCount);
        pipeline.OnWritable();
        Assert.Equal("part 2\n", Output(pipeline));
        pipeline.OnWritable();
        Assert.Equal("part 3\nPONG\n", Output(pipeline));
        pipeline.OnWritable(); // nothing under way: nothing happens
        Assert.Equal("", Output(pipeline));
    }

    [Fact]
    public void The_idle_clock_runs_only_on_the_clients_turn_and_an_unasked_message_is_served_when_nothing_is_awaited()
    {
        var service = new PartsService(1) { ClientsTurnNow = false };
        var pipeline = Start(service, "timeout=1s");
        _nowMs += 10_000;
        pipeline.OnTimeoutCheck(); // the server's turn first (chat's HELLO): the client cannot be idle
        Assert.Null(pipeline.EndReason);

        service.ClientsTurnNow = true;
        _nowMs += 500;
        Assert.True(pipeline.OnServiceMessage("unasked"));       // the operator's answer, say
        Assert.Equal("said unasked\n", Output(pipeline));
        _nowMs += 100;
        Assert.Equal(_nowMs - 100 + 1000, pipeline.IdleExpiryMs); // the client's turn: the clock started afresh at the answer
        Assert.False(pipeline.OnServiceMessage("something else"));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_get_err_utf8_and_an_end_with_a_goodbye_is_the_last_line()
    {
        var pipeline = Start();
        pipeline.OnLine([0xff, 0xfe, (byte)' ', (byte)'1']);
        Lines(pipeline, "1 1");
        pipeline.End(SessionEndReason.Shutdown, "BYE shutdown: server stopping");
        Lines(pipeline, "2 2");
        Assert.Equal("ERR utf8: request is not valid UTF-8\n2\nBYE shutdown: server stopping\n", Output(pipeline));
        Assert.Equal("ending Shutdown", _recorder.Effects[^1]);
    }
}
