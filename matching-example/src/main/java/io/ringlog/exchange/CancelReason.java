package io.ringlog.exchange;

/** Why an order, or the rest of one, was cancelled. Codes are what the codecs carry. */
public enum CancelReason
{
    /** The owner cancelled it. */
    USER(1),
    /** The unfilled rest of an IOC or market order, which never rests. */
    UNFILLED(2),
    /** A resting order of the same account as the incoming one (self-trade prevention: the resting order goes). */
    SELF_TRADE(3),
    /** A market buy stopped because the account's free quote could not pay for the next lot. */
    INSUFFICIENT_FUNDS(4),
    /**
     * The rest of an order that met as many resting orders as one command may ({@link Matching#MAX_MAKERS}): matching
     * stops there and the rest is cancelled, a GTC's too (it would cross the book).
     */
    MATCH_LIMIT(5);

    private static final CancelReason[] BY_CODE = {null, USER, UNFILLED, SELF_TRADE, INSUFFICIENT_FUNDS, MATCH_LIMIT};
    private final int code;

    CancelReason(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /** The reason of a code, or null for a code that is not one. */
    public static CancelReason of(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
