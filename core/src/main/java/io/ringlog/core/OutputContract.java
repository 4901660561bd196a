package io.ringlog.core;

/**
 * The rules every {@link Output} enforces, in one place. The engine's output checks them, and so
 * must any {@code Output} that drives a {@link StateMachine} outside an engine (a unit test's
 * recording output, a benchmark's, a workload tool's): a state machine that breaks a rule then fails
 * in its unit tests exactly as it would in the engine, instead of only in production.
 */
public final class OutputContract
{
    private OutputContract()
    {
    }

    /** Event types of {@link Output#claim} and {@link Output#emit} are zero or positive: negative ones are the engine's. */
    public static void checkEventType(final int type)
    {
        if (type < 0)
        {
            throw new IllegalArgumentException("event type " + type + " is reserved for the engine; " +
                "emit rejections with reject(reason) or claimRejection(reason)");
        }
    }

    /** Business rejection reasons are positive: zero means none, negative ones are the engine's ({@link Rejections}). */
    public static void checkRejectReason(final int reasonCode)
    {
        if (reasonCode <= 0)
        {
            throw new IllegalArgumentException("reject reason " + reasonCode + " is not a business reason: " +
                "use a positive code (negative codes are the engine's, see Rejections)");
        }
    }

    /** An event's payload fits the output's slots: {@code 0 <= length <= maxEventPayloadLength}. */
    public static void checkPayloadLength(final int length, final int maxEventPayloadLength)
    {
        if (length > maxEventPayloadLength)
        {
            throw new EventLimitException("event payload length " + length + " outside 0.." + maxEventPayloadLength +
                " (maxEventPayloadLength): the engine halts, the command journaled; start it with a larger " +
                "maxEventPayloadLength and the command is applied whole");
        }
        if (length < 0)
        {
            throw new IllegalArgumentException("event payload length " + length + " outside 0.." +
                maxEventPayloadLength + " (maxEventPayloadLength)");
        }
    }

    /** A claimed rejection keeps its reason code in its first four bytes. */
    public static void checkRejectionLength(final int length)
    {
        if (length < Integer.BYTES)
        {
            throw new IllegalArgumentException("a rejection's payload starts with its 4-byte reason code; " +
                "commit(" + length + ") would cut it off");
        }
    }
}
