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

    /**
     * Every upcaster of the exchange's commands, registered; and, below each message's newest upcaster, a step over
     * every version that has none ({@link Appended}). Upcasters go one version at a time and stop at the first with
     * none for the message: an upcaster from version 3 to 4 of a place would not have run for the places of versions 1
     * and 2, had version 3 left a place alone (a reviewer's finding).
     */
    public static Upcasters create()
    {
        final Upcasters upcasters = new Upcasters().register(CommandTypes.PLACE_ORDER, 1, new PlaceVersion1());
        // Register new upcasters above this line.
        return stepOverGaps(upcasters, CommandBlocks.maxType(), CommandBlocks.schemaVersion());
    }

    /** Registers an {@link Appended} step for each version below a type's newest upcaster that has none. */
    public static Upcasters stepOverGaps(final Upcasters upcasters, final int maxType, final int schemaVersion)
    {
        for (int type = 0; type <= maxType; type++)
        {
            int newest = -1;
            for (int version = 1; version < schemaVersion; version++)
            {
                newest = upcasters.registered(type, version) ? version : newest;
            }
            for (int version = 1; version < newest; version++)
            {
                if (!upcasters.registered(type, version))
                {
                    upcasters.register(type, version, new Appended(type));
                }
            }
        }
        return upcasters;
    }

    /**
     * A step from version v to v + 1 of a message that version v + 1 left alone or only appended optional fields to:
     * the payload, then each added field's null value ({@link CommandBlocks#extend}), as a decoder at v + 1 reads it.
     */
    static final class Appended implements Upcasters.Upcaster
    {
        private final int type;
        private UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);

        Appended(final int type)
        {
            this.type = type;
        }

        @Override
        public void upcast(final Command command)
        {
            if (scratch.capacity() < command.maxPayloadLength())
            {
                scratch = new UnsafeBuffer(new byte[command.maxPayloadLength()]);
            }
            final int version = command.version();
            final int length = command.payloadLength();
            if (length < CommandBlocks.blockLength(type, version))
            {
                // Too short for its own version: left as it is, for the exchange to reject as malformed, not filled out
                // with null values into another command.
                scratch.putBytes(0, command.payload(), 0, length);
                command.payload(version + 1, scratch, 0, length);
                return;
            }
            command.payload(version + 1, scratch, 0, CommandBlocks.extend(type, version, command.payload(), length, scratch));
        }
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
