package io.ringlog.exchange;

/** Side of an order. Codes are what the codecs carry. */
public enum Side
{
    BUY(0),
    SELL(1);

    public static final int BUY_CODE = 0;
    public static final int SELL_CODE = 1;

    private static final Side[] BY_CODE = {BUY, SELL};
    private final int code;

    Side(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /** The side of a code, or null for a code that is not one. */
    public static Side of(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
