package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.ErrorPolicy;
import io.ringlog.core.Hashing;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Topology;
import io.ringlog.core.Upcasters;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;

import static io.ringlog.journal.EngineFixtures.engineContext;
import static io.ringlog.journal.EngineFixtures.journal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaEvolutionTest
{
    private static final int DEPOSIT = 5;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    @Test
    void shouldReplayAVersion1JournalWithVersion2CodeThroughAnUpcaster()
    {
        final Engine v1 = Engine.launch(engineContext(new Deposits(1), journal(dir), Topology.PIPELINED)
            .errorPolicy(ErrorPolicy.HALT));
        final UnsafeBuffer amount = new UnsafeBuffer(new byte[4]);
        long expected = 0;
        for (int i = 1; i <= 200; i++)
        {
            amount.putInt(0, i * 3, LE);
            v1.publish(DEPOSIT, 1, 0, 0, i, amount, 0, 4);
            expected += i * 3L;
        }
        v1.close();

        final Upcasters upcasters = new Upcasters().register(DEPOSIT, 1, (command) ->
        {
            final UnsafeBuffer widened = new UnsafeBuffer(new byte[8]);
            widened.putLong(0, command.payload().getInt(0, LE), LE);
            command.payload(2, widened, 0, 8);
        });
        final Deposits v2State = new Deposits(2);
        final Engine v2 = Engine.launch(engineContext(v2State, journal(dir), Topology.PIPELINED)
            .errorPolicy(ErrorPolicy.HALT)
            .upcasters(upcasters));
        final UnsafeBuffer wide = new UnsafeBuffer(new byte[8]);
        wide.putLong(0, 5_000_000_000L, LE);
        v2.publish(DEPOSIT, 2, 0, 0, 201, wide, 0, 8);
        v2.close();
        assertEquals(expected + 5_000_000_000L, v2State.total);
        assertEquals(201, v2State.count);
    }

    @Test
    void shouldHaltRecoveryWhenNoUpcasterReadsTheOldVersion()
    {
        final Engine v1 = Engine.launch(engineContext(new Deposits(1), journal(dir), Topology.PIPELINED));
        v1.publish(DEPOSIT, 1, 0, 0, 1, new UnsafeBuffer(new byte[4]), 0, 4);
        v1.close();

        final EngineHaltedException ex = assertThrows(EngineHaltedException.class, () -> Engine.launch(
            engineContext(new Deposits(2), journal(dir), Topology.PIPELINED).errorPolicy(ErrorPolicy.HALT)));
        assertTrue(ex.getMessage().contains("position 1"), ex.getMessage());
    }

    /**
     * A ledger whose deposit payload is an int amount in version 1 and a long in version 2; each
     * build of it reads only its own version, as real code would.
     */
    static final class Deposits implements StateMachine
    {
        private final int version;
        long total;
        long count;

        Deposits(final int version)
        {
            this.version = version;
        }

        @Override
        public void apply(final Command command, final Output output)
        {
            if (command.type() != DEPOSIT || command.version() != version)
            {
                throw new IllegalArgumentException("this code reads deposit version " + version + ", got " + command);
            }
            total += version == 1 ? command.payload().getInt(0, LE) : command.payload().getLong(0, LE);
            count++;
        }

        @Override
        public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, total, LE);
            buffer.putLong(offset + 8, count, LE);
            return 16;
        }

        @Override
        public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
        {
            total = buffer.getLong(offset, LE);
            count = buffer.getLong(offset + 8, LE);
        }

        @Override
        public long stateHash()
        {
            return Hashing.combine(total, count);
        }
    }
}
