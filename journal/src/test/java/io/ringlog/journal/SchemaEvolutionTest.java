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
import java.util.List;
import java.util.function.Supplier;

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

        final Upcasters upcasters = new ServiceUpcasters().get();
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
     * 'scripts/journal replay' of that service's journal, given the upcasters it launches with (--upcasters), reaches
     * its state. Without them every old command threw and the replay said failed: 200 and exited 0; now it
     * says what is missing and exits 1.
     */
    @Test
    void shouldReplayThroughTheServicesUpcastersFromTheCommandLineAndFailWithoutThem()
    {
        final Engine v1 = Engine.launch(engineContext(new DepositsV1(), journal(dir), Topology.COMPACT)
            .errorPolicy(ErrorPolicy.HALT));
        final UnsafeBuffer amount = new UnsafeBuffer(new byte[8]);
        for (int i = 1; i <= 200; i++)
        {
            amount.putInt(0, i * 3, LE);
            v1.publish(DEPOSIT, 1, 0, 0, i, amount, 0, 4);
        }
        v1.close();
        final Engine v2 = Engine.launch(engineContext(new DepositsV2(), journal(dir), Topology.COMPACT)
            .errorPolicy(ErrorPolicy.HALT).upcasters(new ServiceUpcasters().get()));
        amount.putLong(0, 5_000_000_000L, LE);
        v2.publish(DEPOSIT, 2, 0, 0, 201, amount, 0, 8);
        v2.close();
        final String liveHash = String.format("%016x", v2.stateHash());

        final List<String> replay = List.of("replay", "-d", dir.resolve("journal").toString(), "--max-payload",
            Integer.toString(JournalTesting.MAX_PAYLOAD), "--state-machine", DepositsV2.class.getName());
        final String[] without = tool(replay);
        assertEquals("1", without[0], without[1] + without[2]);
        assertTrue(without[1].contains("failed: 200\n") && without[2].contains("error: 200 of the 201 commands " +
            "replayed threw in " + DepositsV2.class.getName()) && without[2].contains("--upcasters CLASS"),
            without[1] + without[2]);
        final List<String> withUpcasters = new java.util.ArrayList<>(replay);
        withUpcasters.addAll(List.of("--upcasters", ServiceUpcasters.class.getName()));
        final String[] with = tool(withUpcasters);
        assertEquals("0", with[0], with[1] + with[2]);
        assertTrue(with[1].contains("failed: 0\n") && with[1].contains("state-hash: " + liveHash + "\n"), with[1]);
        final List<String> notUpcasters = new java.util.ArrayList<>(replay);
        notUpcasters.addAll(List.of("--upcasters", String.class.getName()));
        final String[] refused = tool(notUpcasters);
        assertTrue("1".equals(refused[0]) && refused[2].startsWith("error: class java.lang.String is not a " +
            "java.util.function.Supplier"), refused[1] + refused[2]);
    }

    /** The journal tool's exit code, stdout and stderr. */
    private static String[] tool(final List<String> args)
    {
        final java.io.StringWriter out = new java.io.StringWriter();
        final java.io.StringWriter err = new java.io.StringWriter();
        final int code = io.ringlog.journal.tool.JournalTool.run(new java.io.PrintWriter(out),
            new java.io.PrintWriter(err), args.toArray(String[]::new));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** What the service launches with: deposit version 1 (an int) widened to version 2 (a long). */
    public static final class ServiceUpcasters implements Supplier<Upcasters>
    {
        @Override
        public Upcasters get()
        {
            return new Upcasters().register(DEPOSIT, 1, (command) ->
            {
                final UnsafeBuffer widened = new UnsafeBuffer(new byte[8]);
                widened.putLong(0, command.payload().getInt(0, LE), LE);
                command.payload(2, widened, 0, 8);
            });
        }
    }

    /** The first build, for the journal tool: reads version 1 only. */
    public static final class DepositsV1 extends Deposits
    {
        public DepositsV1()
        {
            super(1);
        }
    }

    /** The second build, for the journal tool: reads version 2 only. */
    public static final class DepositsV2 extends Deposits
    {
        public DepositsV2()
        {
            super(2);
        }
    }

    /**
     * A ledger whose deposit payload is an int amount in version 1 and a long in version 2; each
     * build of it reads only its own version, as real code would.
     */
    public static class Deposits implements StateMachine
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
