package io.ringlog.example.ledger;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Command and event layouts of the ledger, little-endian.
 *
 * <pre>
 * commands                                   events
 *  DEPOSIT  (1) | account (8) | amount (8)    BALANCE (1) | account (8) | balance (8)
 *  WITHDRAW (2) | account (8) | amount (8)    (one per account a command changed)
 *  TRANSFER (3) | from (8) | to (8) | amount (8)
 * </pre>
 * Rejections use the engine's REJECTED event with one of the reason codes below.
 */
public final class LedgerCodec
{
    public static final int DEPOSIT = 1;
    public static final int WITHDRAW = 2;
    public static final int TRANSFER = 3;

    public static final int BALANCE = 1;

    public static final int INSUFFICIENT_FUNDS = 1;
    public static final int INVALID_AMOUNT = 2;
    public static final int INVALID_ACCOUNT = 3;
    public static final int MALFORMED = 4;

    public static final int ACCOUNT_AMOUNT_LENGTH = 16;
    public static final int TRANSFER_LENGTH = 24;

    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private LedgerCodec()
    {
    }

    /** Writes a deposit or withdrawal; returns its length. */
    public static int accountAmount(final MutableDirectBuffer buffer, final long account, final long amount)
    {
        buffer.putLong(0, account, ORDER);
        buffer.putLong(8, amount, ORDER);
        return ACCOUNT_AMOUNT_LENGTH;
    }

    /** Writes a transfer; returns its length. */
    public static int transfer(final MutableDirectBuffer buffer, final long from, final long to, final long amount)
    {
        buffer.putLong(0, from, ORDER);
        buffer.putLong(8, to, ORDER);
        buffer.putLong(16, amount, ORDER);
        return TRANSFER_LENGTH;
    }

    public static long balanceAccount(final DirectBuffer event)
    {
        return event.getLong(0, ORDER);
    }

    public static long balance(final DirectBuffer event)
    {
        return event.getLong(8, ORDER);
    }

    public static String reason(final int code)
    {
        switch (code)
        {
            case INSUFFICIENT_FUNDS: return "INSUFFICIENT_FUNDS";
            case INVALID_AMOUNT: return "INVALID_AMOUNT";
            case INVALID_ACCOUNT: return "INVALID_ACCOUNT";
            case MALFORMED: return "MALFORMED";
            default: return io.ringlog.core.Rejections.describe(code);
        }
    }
}
