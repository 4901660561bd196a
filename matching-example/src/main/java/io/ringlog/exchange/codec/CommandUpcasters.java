package io.ringlog.exchange.codec;

import io.ringlog.core.Command;
import io.ringlog.core.Upcasters;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Supplier;

/**
 * The exchange's upcasters: what turns a command of an older schema version into the newer one where
 * the meaning changed, so the exchange reads every journal as today's commands. Hand
 * {@link #create()} to every {@code EngineContext} that runs an {@code ExchangeStateMachine}.
 * <p>
 * Where a version only added a field whose null value says what the old version meant, there is no
 * upcaster: SBE's acting version reads the old payload and gives the field its null value. An
 * upcaster is for the other case:
 * <ul>
 *   <li><b>place, 1 to 2.</b> Version 2 added {@code clientOrderId}, null when a client gives none. In
 *       version 1 there was no such field because the order id, which the client chooses, was its
 *       reference; so a version 1 place means {@code clientOrderId = orderId}, not "none".</li>
 * </ul>
 * They run on the business-logic thread and allocate nothing (a payload longer than its version's block
 * grows a buffer once).
 */
public final class CommandUpcasters implements Supplier<Upcasters>
{
    /**
     * For {@code scripts/journal replay --upcasters io.ringlog.exchange.codec.CommandUpcasters}, which takes a
     * {@code Supplier<Upcasters>} (a reviewer's finding: the exchange's own could not be named there).
     */
    public CommandUpcasters()
    {
    }

    /** {@link #create()}. */
    @Override
    public Upcasters get()
    {
        return create();
    }

    /** Every upcaster of the exchange's commands, registered. */
    public static Upcasters create()
    {
        return new Upcasters().register(CommandTypes.PLACE_ORDER, 1, new PlaceVersion1());
    }

    /**
     * Place, version 1 to 2: the block grows to version 2's with {@code clientOrderId = orderId}. A
     * payload too short for version 1 stays as it is, for the exchange to reject as malformed. One already
     * holding version 2's block was written by version 2 code and published with the engine's default
     * version (1): it keeps its own client order id.
     */
    static final class PlaceVersion1 implements Upcasters.Upcaster
    {
        /** Version 1's block: version 2 appended its field there. */
        static final int VERSION_1_BLOCK_LENGTH = CommandBlocks.blockLength(CommandTypes.PLACE_ORDER, 1);
        /**
         * Version 2's block: what this upcaster makes. Not the schema's newest block, which a later version grows (a
         * reviewer's finding: with it, a version-2 place stamped 1 lost its own client order id once a field was added).
         */
        static final int VERSION_2_BLOCK_LENGTH = CommandBlocks.blockLength(CommandTypes.PLACE_ORDER, 2);

        private final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder();
        private final PlaceOrderCommandEncoder encoder = new PlaceOrderCommandEncoder();
        private UnsafeBuffer scratch = new UnsafeBuffer(new byte[PlaceOrderCommandEncoder.BLOCK_LENGTH]);

        @Override
        public void upcast(final Command command)
        {
            final int length = command.payloadLength();
            if (length < VERSION_1_BLOCK_LENGTH || length >= VERSION_2_BLOCK_LENGTH)
            {
                if (scratch.capacity() < length)
                {
                    scratch = new UnsafeBuffer(new byte[command.maxPayloadLength()]);
                }
                scratch.putBytes(0, command.payload(), 0, length);
                command.payload(2, scratch, 0, length);
                return;
            }
            scratch.setMemory(0, VERSION_2_BLOCK_LENGTH, (byte)0);
            scratch.putBytes(0, command.payload(), 0, VERSION_1_BLOCK_LENGTH);
            place.wrap(scratch, 0, VERSION_1_BLOCK_LENGTH, 1);
            encoder.wrap(scratch, 0).clientOrderId(place.orderId());
            command.payload(2, scratch, 0, VERSION_2_BLOCK_LENGTH);
        }
    }
}
