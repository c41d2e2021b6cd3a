using System.Net;
using System.Text;
using ActorSockets.Server;
using ActorSockets.Protocol.Notes;
using ActorSockets.Server.Notes;
using ActorSockets.Server.Services;
using ActorSockets.Server.Sum;
using ActorSockets.Server.Sessions;
using ActorSockets.Tests.Support;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace ActorSockets.Tests.Server.Sessions;

/// <summary>The TCP session, with a <see cref="TestProbe"/> standing in for its Akka.IO connection.</summary>
public class TcpSessionSpecs(ITestOutputHelper output) : TestKit("akka.loglevel = INFO", output)
{
    /// <summary>A sum session; <see cref="Parent"/> stands in for the limiter.</summary>
    private sealed record Started(TcpSessionHarness Harness, TestProbe Parent)
    {
        public TestProbe Connection => Harness.Connection;
        public IActorRef Session => Harness.Session;
    }

    private Started Start(params string[] sets)
    {
        var settings = TestSettings.Create(["timeout=off", .. sets]);
        var parent = CreateTestProbe();
        var info = new SessionInfo(1, new IPEndPoint(IPAddress.Loopback, 40000), settings, SumService.Instance);
        var harness = TcpSessionHarness.Start(this, connection => TcpSessionActor.Props(info, connection), parent);
        if (settings.Timeout.Duration is not null)
            harness.SweepTimeouts(); // the limiter's part of the timeout
        return new Started(harness, parent);
    }

    private static void Send(Started s, string data) => s.Harness.Send(data);

    private static string ExpectWriteAndAck(Started s, TimeSpan? within = null) => s.Harness.ExpectWriteAndAck(within);

    private static void ExpectClosedAndStop(Started s) => s.Harness.ExpectClosedAndStop();

    [Fact]
    public void Session_should_answer_a_line_split_over_reads_and_lines_pipelined_in_one_read()
    {
        var s = Start();
        Send(s, "3 ");
        s.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Send(s, "4\r\n1.5 2.25\n@t -1 1\nPING\n");
        Assert.Equal("7\n3.75\n@t 0\nPONG\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Session_should_keep_one_write_in_flight_and_send_what_gathered_meanwhile_in_one_write()
    {
        var s = Start();
        Send(s, "1 1\n");
        var first = s.Connection.ExpectMsg<Tcp.Write>();
        Send(s, "2 2\n");
        Send(s, "3 3\n");
        s.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        s.Session.Tell(first.Ack, s.Connection.Ref);
        Assert.Equal("4\n6\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Session_should_suspend_reading_while_replies_pile_up_and_resume_when_acknowledged()
    {
        var s = Start();
        Send(s, string.Concat(Enumerable.Repeat("HELP\n", 200)));
        var write = s.Connection.ExpectMsg<Tcp.Write>();
        Assert.True(write.Data.Count > ServerTuning.HighWaterBytes);
        s.Connection.ExpectMsg<Tcp.SuspendReading>();
        s.Session.Tell(write.Ack, s.Connection.Ref);
        s.Connection.ExpectMsg<Tcp.ResumeReading>();
    }

    [Fact]
    public void Session_should_refuse_a_line_over_the_limit_after_answering_the_lines_before_it_and_close()
    {
        var s = Start("max-line-bytes=16");
        Send(s, "1 1\n" + new string('9', 17));
        Assert.Equal("2\nERR too-long: line exceeds 16 bytes\n", ExpectWriteAndAck(s));
        ExpectClosedAndStop(s);
    }

    [Fact]
    public void Session_should_accept_a_line_of_exactly_the_limit()
    {
        var s = Start("max-line-bytes=16");
        Send(s, "1111111 22222222\r\n");
        Assert.Equal("23333333\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Session_should_answer_invalid_utf8_and_stay_open()
    {
        var s = Start();
        s.Session.Tell(new Tcp.Received(ByteString.FromBytes([0xff, 0xfe, (byte)'\n', (byte)'1', (byte)' ', (byte)'2', (byte)'\n'])), s.Connection.Ref);
        Assert.Equal("ERR utf8: request is not valid UTF-8\n3\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Session_should_ignore_empty_lines()
    {
        var s = Start();
        Send(s, "\n\r\n\n1 2\n");
        Assert.Equal("3\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Session_should_say_bye_after_the_idle_timeout_and_close()
    {
        var s = Start("timeout=300ms");
        Assert.Equal("BYE timeout: idle for 300ms\n", ExpectWriteAndAck(s, TimeSpan.FromSeconds(3)));
        ExpectClosedAndStop(s);
    }

    [Theory]
    [InlineData("3")]      // a line trickled byte by byte, never finished (slowloris)
    [InlineData("\n")]     // blank lines as keep-alives
    [InlineData(" \t\n")]  // a line of blanks: answered, but no activity
    public void Session_should_time_out_a_client_whose_bytes_never_make_a_request(string trickle)
    {
        var s = Start("timeout=600ms");
        // Trickle for up to three timeouts; the BYE must come in the middle of it. On a loaded machine
        // this thread may hold a write unacknowledged for the whole timeout: the session then ends it
        // as a stalled reader, the same BYE followed at once by the close, which ends the collecting.
        string? bye = null;
        for (var i = 0; i < 18 && bye is null; i++)
        {
            Send(s, trickle);
            var writes = s.Connection.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m as Tcp.Write);
            foreach (var write in writes)
            {
                s.Session.Tell(write!.Ack, s.Connection.Ref);
                var text = write.Data.ToString(Encoding.UTF8);
                if (text.Contains("BYE timeout"))
                    bye = text;
            }
        }
        Assert.NotNull(bye);
        Assert.EndsWith("BYE timeout: idle for 600ms\n", bye);
    }

    [Fact]
    public void Session_should_count_each_complete_request_as_activity()
    {
        var s = Start("timeout=1500ms");
        // A request every 200 ms for 2 s (longer than the timeout): never dropped. The timeout leaves
        // room for a test thread that a loaded machine keeps waiting (600 ms once was too little).
        for (var i = 0; i < 10; i++)
        {
            Send(s, "PING\n");
            Assert.Equal("PONG\n", ExpectWriteAndAck(s));
            s.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        }
        Assert.Equal("BYE timeout: idle for 1500ms\n", ExpectWriteAndAck(s, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Session_should_not_count_its_own_write_acks_as_activity()
    {
        var s = Start("timeout=1s");
        Send(s, "1 1\n");
        var write = s.Connection.ExpectMsg<Tcp.Write>();
        // Acknowledged late: were acks activity, the timeout would fire 1 s after this ack, not after the request.
        Thread.Sleep(700);
        s.Session.Tell(write.Ack, s.Connection.Ref);
        var bye = s.Connection.ExpectMsg<Tcp.Write>(TimeSpan.FromMilliseconds(900));
        Assert.Equal("BYE timeout: idle for 1s\n", bye.Data.ToString(Encoding.UTF8));
    }

    [Fact]
    public void Session_should_answer_quit_with_bye_and_close()
    {
        var s = Start();
        Send(s, "quit\n1 1\n");
        Assert.Equal("BYE quit\n", ExpectWriteAndAck(s));
        ExpectClosedAndStop(s);
    }

    [Fact]
    public void Session_should_answer_every_request_of_a_client_that_half_closed_including_an_unterminated_last_line()
    {
        var s = Start();
        Send(s, "1 1\n2 2");
        s.Session.Tell(Tcp.PeerClosed.Instance, s.Connection.Ref);
        var replies = ExpectWriteAndAck(s);
        if (replies == "2\n")
            replies += ExpectWriteAndAck(s);
        Assert.Equal("2\n4\n", replies);
        ExpectClosedAndStop(s);
    }

    [Fact]
    public void Session_should_answer_stats_from_the_limiter_in_order_with_later_requests()
    {
        var s = Start();
        Send(s, "1 1\n@s STATS\n2 2\n");
        var get = s.Parent.ExpectMsg<SessionProtocol.StatsRequested>();
        Assert.Equal(2, get.UnreportedRequests);
        Assert.Equal("2\n", ExpectWriteAndAck(s));
        s.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        s.Session.Tell(new SessionProtocol.StatsSnapshot(1, 5, 1, 0, 0, 0, 2), s.Parent.Ref);
        Assert.Equal("@s STATS clients=1/5 admitted=1 refused=0 timeouts=0 crashes=0 requests=2\n4\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Session_should_cut_off_a_client_that_does_not_read_its_bye_when_the_server_stops()
    {
        var s = Start();
        s.Session.Tell(SessionProtocol.ServerStopping.Instance);
        s.Connection.ExpectMsg<Tcp.Write>(); // never acknowledged: the client does not read
        s.Connection.ExpectMsg<Tcp.Abort>(ActorSockets.Server.ServerTuning.ShutdownClientGrace + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Session_should_say_bye_shutdown_when_the_server_stops()
    {
        var s = Start();
        s.Session.Tell(SessionProtocol.ServerStopping.Instance);
        Assert.Equal("BYE shutdown: server stopping\n", ExpectWriteAndAck(s));
        // A half-close after the BYE: the client reads every byte and then the end of the stream.
        s.Connection.ExpectMsg<Tcp.ConfirmedClose>();
        Watch(s.Session);
        s.Session.Tell(Tcp.ConfirmedClosed.Instance, s.Connection.Ref);
        ExpectTerminated(s.Session);
        s.Parent.FishForMessage(m => m is SessionProtocol.SessionEnded { Reason: SessionEndReason.Shutdown });
    }

    [Fact]
    public void Session_should_say_bye_crashed_when_it_crashes_and_report_the_crash()
    {
        var s = Start("debug.crash-command=on");
        Watch(s.Session);
        Send(s, "CRASH\n");
        Assert.Equal("BYE crashed: internal error\n", s.Connection.ExpectMsg<Tcp.Write>().Data.ToString(Encoding.UTF8));
        s.Connection.ExpectMsg<Tcp.Close>();
        ExpectTerminated(s.Session);
        s.Parent.FishForMessage(m => m is SessionProtocol.SessionEnded { Reason: SessionEndReason.Crashed });
    }

    private Started StartNotes(TestProbe store, params string[] sets)
    {
        var settings = TestSettings.Create(["service=notes", "timeout=off", .. sets]);
        var parent = CreateTestProbe();
        var info = new SessionInfo(1, new IPEndPoint(IPAddress.Loopback, 40000), settings, new NotesService(store.Ref, NodeClock.Of(Sys)));
        return new Started(TcpSessionHarness.Start(this, connection => TcpSessionActor.Props(info, connection), parent), parent);
    }

    [Fact]
    public void Notes_session_should_answer_ok_only_when_the_store_confirms_and_keep_later_requests_waiting()
    {
        var store = CreateTestProbe();
        var s = StartNotes(store);
        Send(s, "POST one\nPING\n");
        var post = store.ExpectMsg<NotesProtocol.StoreNote>();
        Assert.Equal("one", post.Text);
        s.Connection.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no OK before the store's word, no PONG before the OK
        post.ReplyTo.Tell(new NotesProtocol.NoteStored(41, post.Correlation - 1)); // a stale answer: ignored
        post.ReplyTo.Tell(new NotesProtocol.NoteStored(42, post.Correlation));
        Assert.Equal("OK 42\nPONG\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Notes_session_should_turn_a_store_failure_into_err_storage_and_go_on()
    {
        var store = CreateTestProbe();
        var s = StartNotes(store);
        Send(s, "@t POST one\n");
        var post = store.ExpectMsg<NotesProtocol.StoreNote>();
        post.ReplyTo.Tell(new NotesProtocol.NoteNotStored("the journal could not write: disk full", post.Correlation));
        Assert.Equal("@t ERR storage: the journal could not write: disk full\n", ExpectWriteAndAck(s));
        Send(s, "PING\n");
        Assert.Equal("PONG\n", ExpectWriteAndAck(s));
    }

    [Fact]
    public void Notes_session_should_answer_a_retried_tagged_post_from_memory()
    {
        var store = CreateTestProbe();
        var s = StartNotes(store);
        Send(s, "@r POST once\n");
        var post = store.ExpectMsg<NotesProtocol.StoreNote>();
        post.ReplyTo.Tell(new NotesProtocol.NoteStored(7, post.Correlation));
        Assert.Equal("@r OK 7\n", ExpectWriteAndAck(s));
        Send(s, "@r POST once\n");
        Assert.Equal("@r OK 7\n", ExpectWriteAndAck(s));
        store.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // stored once
    }

    [Fact]
    public void Notes_session_should_stream_a_get_chunk_by_chunk_as_the_client_takes_it()
    {
        var store = CreateTestProbe();
        var s = StartNotes(store);
        Send(s, "GET\n");
        var first = store.ExpectMsg<NotesProtocol.GetNotes>();
        first.ReplyTo.Tell(new NotesProtocol.NotesChunk(3, 3, [new Note(1, "a"), new Note(2, "b")], first.Correlation));
        var write = s.Connection.ExpectMsg<Tcp.Write>();
        Assert.Equal("NOTES 3 3\n1 a\n2 b\n", write.Data.ToString(Encoding.UTF8));
        store.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the next chunk waits for the client
        s.Session.Tell(write.Ack, s.Connection.Ref);
        var next = store.ExpectMsg<NotesProtocol.GetNotes>();
        Assert.Equal((2L, 3L), (next.AfterId, next.UpToId));
        next.ReplyTo.Tell(new NotesProtocol.NotesChunk(4, 1, [new Note(3, "c")], next.Correlation));
        Assert.Equal("3 c\n", ExpectWriteAndAck(s));
    }
}
