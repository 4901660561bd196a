package io.ringlog.core;

/**
 * An entry that is whole and intact, only with a payload larger than the reader was sized for: nothing is
 * damaged, and a reader with a larger maximum payload reads it. Not a reason to cut a journal.
 */
public final class PayloadTooLargeException extends CorruptEntryException
{
    private static final long serialVersionUID = 1L;

    private final int payloadLength;

    public PayloadTooLargeException(final String message, final int payloadLength)
    {
        super(message);
        this.payloadLength = payloadLength;
    }

    /** The entry's payload length: the least maximum payload that reads it. */
    public int payloadLength()
    {
        return payloadLength;
    }
}
