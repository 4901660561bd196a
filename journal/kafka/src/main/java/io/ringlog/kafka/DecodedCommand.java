package io.ringlog.kafka;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a {@link CommandDecoder} makes of a record: the command's type, schema version, correlation id
 * and payload. Reused from record to record. The payload either views bytes the decoder already has
 * ({@link #wrap}, no copy: the record's value) or is written into this command's own buffer
 * ({@link #scratch()}, then {@link #scratchLength(int)}).
 */
public final class DecodedCommand
{
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer scratch;
    private DirectBuffer payload = view;
    private int offset;
    private int length;
    private int type;
    private int version;
    private long correlationId;

    /** @param maxPayloadLength the size of {@link #scratch()}: the engine's maxPayloadLength. */
    public DecodedCommand(final int maxPayloadLength)
    {
        scratch = new UnsafeBuffer(new byte[maxPayloadLength]);
    }

    /** Sets the header fields. */
    public DecodedCommand set(final int type, final int version, final long correlationId)
    {
        this.type = type;
        this.version = version;
        this.correlationId = correlationId;
        return this;
    }

    /** The payload is {@code length} bytes of {@code bytes} from {@code offset}, not copied. */
    public DecodedCommand wrap(final byte[] bytes, final int offset, final int length)
    {
        view.wrap(bytes);
        this.payload = view;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** This command's own payload buffer, to encode into; finish with {@link #scratchLength(int)}. */
    public MutableDirectBuffer scratch()
    {
        return scratch;
    }

    /** The payload is the first {@code length} bytes of {@link #scratch()}. */
    public DecodedCommand scratchLength(final int length)
    {
        this.payload = scratch;
        this.offset = 0;
        this.length = length;
        return this;
    }

    public int type()
    {
        return type;
    }

    public int version()
    {
        return version;
    }

    public long correlationId()
    {
        return correlationId;
    }

    public DirectBuffer payload()
    {
        return payload;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }
}
