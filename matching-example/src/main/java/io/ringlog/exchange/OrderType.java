package io.ringlog.exchange;

/** How an order meets the book. Codes are what the codecs carry. */
public enum OrderType
{
    /** Limit, good till cancelled: matches what it can, the rest rests in the book. */
    GTC(0),
    /** Limit, immediate or cancel: matches what it can at its price or better, the rest is cancelled. */
    IOC(1),
    /** Limit, fill or kill: fills completely at its price or better at once, or is rejected and changes nothing. */
    FOK(2),
    /** No price limit: sweeps the book like an IOC at any price; see the package documentation for funds. */
    MARKET(3);

    public static final int GTC_CODE = 0;
    public static final int IOC_CODE = 1;
    public static final int FOK_CODE = 2;
    public static final int MARKET_CODE = 3;

    private static final OrderType[] BY_CODE = {GTC, IOC, FOK, MARKET};
    private final int code;

    OrderType(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /** The type of a code, or null for a code that is not one. */
    public static OrderType of(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
