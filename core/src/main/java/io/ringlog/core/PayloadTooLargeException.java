package io.ringlog.core;

/**
 * An entry that is whole and intact, only with a payload larger than the reader was sized for: nothing is
 * damaged, and a reader with a larger maximum payload reads it. Not a reason to cut a journal.
 */
public final class PayloadTooLargeException extends CorruptEntryException
{
    private static final long serialVersionUID = 1L;

    private final int payloadLength;

    /**
     * @param payloadLength the entry's payload length.
     * @param limit what it is larger than, in words ("the maxPayloadLength 256 it is read with").
     */
    public PayloadTooLargeException(final int payloadLength, final String limit)
    {
        super("the entry is whole, but its payload of " + payloadLength + " bytes is larger than " + limit + ": open " +
            "the journal, and the engine, with a maxPayloadLength of at least " + payloadLength + " (the one it was " +
            "written with; scripts/journal: --max-payload)");
        this.payloadLength = payloadLength;
    }

    /** The entry's payload length: the least maximum payload that reads it. */
    public int payloadLength()
    {
        return payloadLength;
    }
}
