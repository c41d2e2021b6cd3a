using System.Buffers;

namespace ActorSockets.Server.Sessions;

/// <summary>
/// Reply bytes gathered until the transport takes them: an <see cref="IBufferWriter{T}"/> over an
/// array rented from <see cref="ArrayPool{T}.Shared"/>, given back as soon as the transport has taken
/// everything (<see cref="Clear"/>). So a session between requests holds no buffer at all: with
/// 10,000 idle connections, <see cref="ArrayBufferWriter{T}"/>'s kept array was 280 bytes of each.
/// </summary>
public sealed class ReplyBuffer : IBufferWriter<byte>
{
    /// <summary>Most replies are one short line; a long one grows the array by doubling.</summary>
    private const int FirstSize = 256;

    private byte[]? _array;
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, (_array?.Length ?? 0) - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).AsSpan(_written);

    /// <summary>The transport has taken everything: empty again, and the array goes back to the pool.</summary>
    public void Clear()
    {
        _written = 0;
        if (_array is null)
            return;
        ArrayPool<byte>.Shared.Return(_array);
        _array = null;
    }

    /// <summary>An array with at least <paramref name="sizeHint"/> bytes (one, for no hint) free after what is written.</summary>
    private byte[] Room(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var needed = _written + Math.Max(sizeHint, 1);
        if (_array is not null && needed <= _array.Length)
            return _array;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(FirstSize, (_array?.Length ?? 0) * 2)));
        if (_array is not null)
        {
            _array.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
        }
        _array = bigger;
        return bigger;
    }
}
