package io.ringlog.exchange.text;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One command read from text: its type, the header fields to publish it with, and its encoded
 * payload. Reused from line to line; copy what you keep.
 */
public final class ParsedCommand
{
    /** Room for the largest exchange command payload. */
    public static final int MAX_PAYLOAD_LENGTH = 64;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD_LENGTH]);
    private int type;
    private int version;
    private int payloadLength;
    private long sourceId;
    private long sourceSequence;
    private long correlationId;
    private long lineNumber;

    void reset(final long lineNumber)
    {
        this.lineNumber = lineNumber;
        type = 0;
        version = 0;
        payloadLength = 0;
        sourceId = 0;
        sourceSequence = 0;
        correlationId = lineNumber;
    }

    /** Command type ({@link io.ringlog.exchange.codec.CommandTypes}). */
    public int type()
    {
        return type;
    }

    void type(final int type)
    {
        this.type = type;
    }

    /** Schema version the payload is written in: publish the command with it. */
    public int version()
    {
        return version;
    }

    void version(final int version)
    {
        this.version = version;
    }

    public DirectBuffer payload()
    {
        return payload;
    }

    UnsafeBuffer mutablePayload()
    {
        return payload;
    }

    public int payloadLength()
    {
        return payloadLength;
    }

    void payloadLength(final int payloadLength)
    {
        this.payloadLength = payloadLength;
    }

    /** {@code src=}, 0 (anonymous, never deduplicated) when absent. */
    public long sourceId()
    {
        return sourceId;
    }

    void sourceId(final long sourceId)
    {
        this.sourceId = sourceId;
    }

    /** {@code seq=}, 0 when absent. */
    public long sourceSequence()
    {
        return sourceSequence;
    }

    void sourceSequence(final long sourceSequence)
    {
        this.sourceSequence = sourceSequence;
    }

    /** {@code corr=}; the line number when absent, so events lead back to the line. */
    public long correlationId()
    {
        return correlationId;
    }

    void correlationId(final long correlationId)
    {
        this.correlationId = correlationId;
    }

    /** 1-based line number in the file it came from. */
    public long lineNumber()
    {
        return lineNumber;
    }
}
