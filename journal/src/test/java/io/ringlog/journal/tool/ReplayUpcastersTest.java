package io.ringlog.journal.tool;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.ErrorPolicy;
import io.ringlog.core.Hashing;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import io.ringlog.core.Upcasters;
import io.ringlog.journal.ChronicleJournal;
import io.ringlog.journal.JournalTesting;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service whose deposits were an int (version 1) and are a long (version 2) launches with an upcaster;
 * {@code journal replay} of its journal, given the same upcasters (--upcasters), reaches the service's
 * state. Without them every old command threw and the replay said failed: 200 and exited 0; now it says
 * what is missing and exits 1.
 */
class ReplayUpcastersTest
{
    private static final int DEPOSIT = 5;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    @Test
    void shouldReplayThroughTheServicesUpcastersAndFailWithoutThem()
    {
        final Path journalDir = dir.resolve("journal");
        final Engine v1 = Engine.launch(context(new DepositsV1(), journalDir));
        final UnsafeBuffer amount = new UnsafeBuffer(new byte[8]);
        for (int i = 1; i <= 200; i++)
        {
            amount.putInt(0, i * 3, LE);
            v1.publish(DEPOSIT, 1, 0, 0, i, amount, 0, 4);
        }
        v1.close();
        final Engine v2 = Engine.launch(context(new DepositsV2(), journalDir).upcasters(new ServiceUpcasters().get()));
        amount.putLong(0, 5_000_000_000L, LE);
        v2.publish(DEPOSIT, 2, 0, 0, 201, amount, 0, 8);
        v2.close();
        final String liveHash = String.format("%016x", v2.stateHash());

        final String[] replay = {"replay", "-d", journalDir.toString(), "--max-payload",
            Integer.toString(JournalTesting.MAX_PAYLOAD), "--state-machine", DepositsV2.class.getName()};
        final Run without = run(replay);
        assertEquals(1, without.code, without.toString());
        assertTrue(without.out.contains("failed: 200\n") && without.err.contains("error: 200 of the 201 commands " +
            "replayed threw in " + DepositsV2.class.getName()) && without.err.contains("--upcasters CLASS"),
            without.toString());

        final String[] withUpcasters = java.util.Arrays.copyOf(replay, replay.length + 2);
        withUpcasters[replay.length] = "--upcasters";
        withUpcasters[replay.length + 1] = ServiceUpcasters.class.getName();
        final Run with = run(withUpcasters);
        assertEquals(0, with.code, with.toString());
        assertTrue(with.out.contains("failed: 0\n") && with.out.contains("state-hash: " + liveHash + "\n"), with.toString());

        final Run notUpcasters = run(replay[0], replay[1], replay[2], replay[5], replay[6], "--upcasters",
            String.class.getName());
        assertEquals(1, notUpcasters.code, notUpcasters.toString());
        assertTrue(notUpcasters.err.startsWith("error: class java.lang.String is not a java.util.function.Supplier"),
            notUpcasters.toString());
    }

    private static EngineContext context(final StateMachine machine, final Path journalDir)
    {
        return new EngineContext().stateMachine(machine).errorPolicy(ErrorPolicy.HALT)
            .maxPayloadLength(JournalTesting.MAX_PAYLOAD)
            .journal(ChronicleJournal.open(JournalTesting.context(journalDir)));
    }

    private static Run run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = JournalTool.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int code, String out, String err)
    {
        @Override
        public String toString()
        {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
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

    /** The first build: reads version 1 only. */
    public static final class DepositsV1 extends Deposits
    {
        public DepositsV1()
        {
            super(1);
        }
    }

    /** The second build: reads version 2 only, as real code would. */
    public static final class DepositsV2 extends Deposits
    {
        public DepositsV2()
        {
            super(2);
        }
    }

    /** A ledger of deposits, one build per payload version. */
    public abstract static class Deposits implements StateMachine
    {
        private final int version;
        private long total;
        private long count;

        Deposits(final int version)
        {
            this.version = version;
        }

        @Override
        public void apply(final Command command, final Output output)
        {
            if (command.type() != DEPOSIT || command.version() != version)
            {
                throw new IllegalArgumentException("this build reads deposit version " + version + ", got version " +
                    command.version());
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
