package io.ringlog.exchange;

import io.ringlog.core.Rejections;

/**
 * Why the exchange rejected a command. A rejected command changes nothing. Codes are positive and
 * stable (the engine's own reasons, {@link Rejections}, are negative).
 */
public enum RejectReason
{
    /** The command type is not an exchange command. */
    UNKNOWN_COMMAND(1),
    /** The payload is shorter than the command's layout. */
    MALFORMED(2),
    UNKNOWN_SYMBOL(3),
    /** No deposit has ever opened this account. */
    UNKNOWN_ACCOUNT(4),
    /** Asset id outside 0..maxAssets-1. */
    UNKNOWN_ASSET(5),
    /** Price not positive or not a multiple of the tick size. */
    BAD_PRICE(6),
    /** Quantity not positive, or so large that its value would overflow. */
    BAD_QUANTITY(7),
    /** The account's free balance does not cover what the command needs. */
    INSUFFICIENT_FUNDS(8),
    /** No live order has this id (never placed, filled, or cancelled). */
    UNKNOWN_ORDER(9),
    /** A live order already has this id. */
    DUPLICATE_ORDER_ID(10),
    /** The order belongs to another account. */
    NOT_OWNER(11),
    /** An instrument with this symbol id is already listed. */
    DUPLICATE_SYMBOL(12),
    /** Tick or lot size not positive, or base and quote assets unknown or equal. */
    BAD_INSTRUMENT(13),
    /** Deposit or withdrawal amount not positive, or one that would overflow the asset's supply. */
    BAD_AMOUNT(14),
    BAD_SIDE(15),
    BAD_ORDER_TYPE(16),
    /** A fill-or-kill order could not be filled completely at once. */
    CANNOT_FILL(17),
    /** The exchange has no settings yet: its journal's first command must configure it. */
    NOT_CONFIGURED(18),
    /** The exchange has its settings already; they never change. */
    ALREADY_CONFIGURED(19),
    /** Settings of an unknown layout, or out of bounds (max assets outside 2..ExchangeStateMachine.MAX_ASSETS). */
    BAD_SETTINGS(20);

    private static final RejectReason[] BY_CODE;

    static
    {
        final RejectReason[] values = values();
        BY_CODE = new RejectReason[values[values.length - 1].code + 1];
        for (final RejectReason reason : values)
        {
            BY_CODE[reason.code] = reason;
        }
    }

    private final int code;

    RejectReason(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /** The reason of a code, or null for a code that is not an exchange reason. */
    public static RejectReason of(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** A name for any reason code, the engine's included. */
    public static String describe(final int code)
    {
        final RejectReason reason = of(code);
        return reason != null ? reason.name() : Rejections.describe(code);
    }
}
