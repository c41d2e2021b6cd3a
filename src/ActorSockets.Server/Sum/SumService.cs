using System.Buffers;
using ActorSockets.Protocol;
using ActorSockets.Protocol.Sum;
using ActorSockets.Server.Services;

namespace ActorSockets.Server.Sum;

/// <summary>
/// The <c>sum</c> service (PROTOCOL.md section 3): a pure function, so it answers at once, inside the
/// session, and one stateless instance serves every session.
/// </summary>
public sealed class SumService : IService, IServiceSession
{
    public static readonly SumService Instance = new();

    private SumService() { }

    public IReadOnlyList<string> HelpLines { get; } =
    [
        "sum: send two numbers, get their exact sum",
        "<a> <b>         e.g. \"3 4\" answers 7; integers of any size and decimals, exact (\"1.5 2.25\" answers 3.75)",
    ];

    public IServiceSession Open(ServiceContext context) => this;

    public ServiceStep Handle(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> body, IBufferWriter<byte> reply)
    {
        Replies.WriteTag(reply, tag);
        if (SumCalculator.TryWriteSum(body, reply))
        {
            reply.GetSpan(1)[0] = (byte)'\n';
            reply.Advance(1);
        }
        else
        {
            Replies.WriteLine(reply, default, Replies.SumSyntax);
        }
        return ServiceStep.Complete;
    }

    public ServiceStep Continue(object message, IBufferWriter<byte> reply) => ServiceStep.NotMine;

    public ServiceStep Resume(IBufferWriter<byte> reply) => ServiceStep.Complete;

    public bool Abandon(IBufferWriter<byte> reply) => false;
}
