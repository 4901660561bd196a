package io.ringlog.journal;

import io.ringlog.core.Command;
import io.ringlog.core.Engine;
import io.ringlog.core.JournalReader;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.journal.EngineFixtures.engineContext;
import static io.ringlog.journal.EngineFixtures.journal;
import static io.ringlog.journal.EngineFixtures.snapshots;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills an engine's JVM with SIGKILL at random moments under load, several times over one journal
 * directory, and checks after each kill that what a client saw survived, positions have no gap,
 * and recovery from snapshot + tail equals a clean replay of the journal.
 */
class CrashTest
{
    private static final int TRIALS = 6;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryObservedCommandAcrossRepeatedKills() throws Exception
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        long previousLast = 0;
        for (int trial = 1; trial <= TRIALS; trial++)
        {
            final Topology topology = trial % 2 == 0 ? Topology.COMPACT : Topology.PIPELINED;
            final String context = "seed " + seed + ", trial " + trial + ", " + topology;
            final long killAfter = previousLast + 1_000 + random.nextInt(100_000);
            final long observed = runAndKill(random.nextLong(), topology, killAfter, context);

            final AccumulatorStateMachine recoveredState = new AccumulatorStateMachine();
            final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
            final Engine recovered = Engine.launch(engineContext(recoveredState, journal(dir), Topology.PIPELINED)
                .snapshotStore(snapshots(dir, 2))
                .recoveryListener(recovery));
            recovered.close();
            final long last = recovery.recoveredLast;

            assertTrue(observed <= last, "observed position " + observed + " but recovered only to " + last + ", " +
                context);
            assertTrue(last >= previousLast, context);
            assertEquals(last, recoveredState.count(), "every position is an ADD in the state, " + context);
            assertFalse(recoveredState.sawOutOfOrder(), context);
            assertGapFree(last, context);
            assertEquals(EngineFixtures.fullReplayHash(dir), recovered.stateHash(),
                "snapshot (" + recovery.loaded + ") + tail == clean replay, " + context);
            System.out.println(context + ": child showed up to " + observed + ", recovered to " + last +
                " from snapshot " + recovery.loaded);
            previousLast = last;
        }
    }

    /** Runs the child until it has shown at least {@code killAfter}, SIGKILLs it, and returns the highest position it showed. */
    private long runAndKill(final long childSeed, final Topology topology, final long killAfter, final String context)
        throws IOException, InterruptedException
    {
        final Process child = JournalTesting.startJvm(CrashChildMain.class, dir.toString(), Long.toString(childSeed),
            topology.name());
        final AtomicLong highest = new AtomicLong();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String line;
            while ((line = out.readLine()) != null)
            {
                if (line.startsWith("P "))
                {
                    final long position = Long.parseLong(line.substring(2));
                    assertTrue(position > highest.get(), "events in position order, " + context);
                    highest.set(position);
                    if (position >= killAfter || System.nanoTime() > deadline)
                    {
                        break;
                    }
                }
            }
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the pipe.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child did not die, " + context);
            // Lines already in the pipe were shown before the kill too.
            while ((line = out.readLine()) != null)
            {
                if (line.startsWith("P "))
                {
                    highest.set(Math.max(highest.get(), Long.parseLong(line.substring(2))));
                }
            }
        }
        assertTrue(highest.get() > 0, "the child showed no event before it was killed, " + context);
        return highest.get();
    }

    private void assertGapFree(final long last, final String context)
    {
        try (ChronicleJournal journal = journal(dir); JournalReader reader = journal.reader(1))
        {
            assertEquals(last, journal.lastPosition(), context);
            final Command into = new Command(JournalTesting.MAX_PAYLOAD);
            long expected = 1;
            while (reader.next(into))
            {
                assertEquals(expected++, into.position(), context);
            }
            assertEquals(last + 1, expected, context);
        }
    }
}
