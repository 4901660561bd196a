package io.ringlog.exchange.codec;

import io.ringlog.exchange.codec.command.AddInstrumentCommandEncoder;
import io.ringlog.exchange.codec.command.CancelOrderCommandEncoder;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.codec.command.DepositCommandEncoder;
import io.ringlog.exchange.codec.command.MoveOrderCommandEncoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandEncoder;
import io.ringlog.exchange.codec.command.ReduceOrderCommandEncoder;
import io.ringlog.exchange.codec.command.WithdrawCommandEncoder;

/**
 * Command types of the exchange, as carried in {@link io.ringlog.core.Command#type()}: each is the
 * template id of its message in the commands' schema, so the schema is where a number is given. Never
 * reuse a number.
 */
public final class CommandTypes
{
    public static final int ADD_INSTRUMENT = AddInstrumentCommandEncoder.TEMPLATE_ID;
    public static final int DEPOSIT = DepositCommandEncoder.TEMPLATE_ID;
    public static final int WITHDRAW = WithdrawCommandEncoder.TEMPLATE_ID;
    public static final int PLACE_ORDER = PlaceOrderCommandEncoder.TEMPLATE_ID;
    public static final int CANCEL_ORDER = CancelOrderCommandEncoder.TEMPLATE_ID;
    public static final int REDUCE_ORDER = ReduceOrderCommandEncoder.TEMPLATE_ID;
    public static final int MOVE_ORDER = MoveOrderCommandEncoder.TEMPLATE_ID;
    /** The exchange's settings: the first command of a journal (see the configure message of the schema). */
    public static final int CONFIGURE = ConfigureCommandEncoder.TEMPLATE_ID;
    /**
     * The layout of the settings a configure command carries, checked by the exchange. It predates the
     * schema's versions and stays 1: a new setting is a new field of the configure message.
     */
    public static final int SETTINGS_VERSION = 1;

    private CommandTypes()
    {
    }

    /** The word the text format uses for a command type, or null for an unknown one. */
    public static String name(final int type)
    {
        switch (type)
        {
            case ADD_INSTRUMENT: return "instrument";
            case DEPOSIT: return "deposit";
            case WITHDRAW: return "withdraw";
            case PLACE_ORDER: return "place";
            case CANCEL_ORDER: return "cancel";
            case REDUCE_ORDER: return "reduce";
            case MOVE_ORDER: return "move";
            default: return null;
        }
    }

    /**
     * The payload length of a client command type at a schema version ({@link CommandBlocks}: what each version's block
     * is, read from the schema), -1 for a type the exchange does not know, its settings, or a version newer than the
     * schema's. Before, every type but a place was said to have its newest block at every version, and a field added
     * to an instrument made every journal of before the settings "not an exchange's" (a reviewer's finding).
     */
    public static int commandLength(final int type, final int version)
    {
        return type == CONFIGURE ? -1 : CommandBlocks.blockLength(type, version);
    }
}
