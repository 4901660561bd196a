package io.ringlog.journal;

import io.ringlog.core.Engine;
import io.ringlog.core.EngineHaltedException;
import io.ringlog.core.InMemoryJournal;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.Topology;
import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.CollectingListener;
import io.ringlog.core.testing.SmallFileSystem;
import io.ringlog.core.testing.FailingJournal;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.journal.EngineFixtures.engineContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full disk, for real where the machine lets the test mount a small tmpfs, else injected at the
 * journal's write (FailingJournal): the engine halts with "No space left on device" and shows nothing
 * it did not journal; once space is freed the journal opens, recovers every entry a commit covered
 * (and whole ones a crash would keep), takes the continuation, and ends where a clean run of the same
 * commands does. A full disk used to leave zero-filled entries that failed every later replay, or
 * replayed as other commands.
 */
class FullDiskTest
{
    private static final int CONTINUATION = 2_000;

    @TempDir
    Path dir;

    @Test
    void shouldHaltOnAFullDiskThenContinueAfterSpaceIsFreedToTheHashOfACleanRun() throws Exception
    {
        final Path fs = dir.resolve("small-fs");
        final StringBuilder why = new StringBuilder();
        final SmallFileSystem mounted = SmallFileSystem.mount(fs, "4m", why);
        if (mounted == null)
        {
            System.out.println("FullDiskTest: cannot mount a tmpfs here (" + why + "); the full disk is injected " +
                "as an IOException at the journal's append instead");
        }
        try
        {
            run(fs.resolve("journal"), mounted != null);
        }
        finally
        {
            if (mounted != null)
            {
                mounted.close();
            }
        }
    }

    private void run(final Path journalDir, final boolean realDisk) throws Exception
    {
        final Path ballast = journalDir.resolveSibling("ballast");
        if (realDisk)
        {
            try (RandomAccessFile raf = new RandomAccessFile(ballast.toFile(), "rw"))
            {
                raf.write(new byte[1 << 20]);
            }
        }
        final ChronicleJournal chronicle = ChronicleJournal.open(JournalTesting.context(journalDir));
        final Journal journal = realDisk ? chronicle : new FailingJournal(chronicle, 15_000);
        final CollectingListener client = new CollectingListener();
        final Engine live = Engine.launch(engineContext(new AccumulatorStateMachine(), journal, Topology.COMPACT)
            .clock(new CountingClock(0))
            .listener("client", client));
        long published = 0;
        try
        {
            for (long i = 1; i <= 200_000; i++)
            {
                live.publish(ADD, 0, 0, i, payload(i), 0, 8);
                published = i;
            }
        }
        catch (final EngineHaltedException expected)
        {
            // The disk filled up: publishing stops.
        }
        CollectingListener.await(() -> live.failure() != null, Duration.ofSeconds(20), "the engine to halt");
        final JournalException failure = assertInstanceOf(JournalException.class, live.failure());
        assertTrue(failure.getMessage().contains(realDisk ? "No space left on device" : "(injected)"),
            failure.getMessage());
        try
        {
            live.close();
        }
        catch (final EngineHaltedException expected)
        {
            // close reports the halt.
        }
        long maxSeen = 0;
        for (final CollectingListener.Seen seen : client.events())
        {
            maxSeen = Math.max(maxSeen, seen.position());
        }
        assertTrue(maxSeen > 0 && maxSeen < failure.position(), "saw up to " + maxSeen + ", failed at " +
            failure.position());

        if (realDisk)
        {
            Files.delete(ballast);
        }
        final List<TornEntry> torn = new ArrayList<>();
        final EngineFixtures.RecordingRecovery recovery = new EngineFixtures.RecordingRecovery();
        final ChronicleJournal reopened = ChronicleJournal.open(JournalTesting.context(journalDir)
            .tornEntryListener(torn::add));
        final long recovered = reopened.lastPosition();
        assertTrue(recovered >= maxSeen && recovered < failure.position(), "recovered " + recovered + ", saw " +
            maxSeen + ", failed at " + failure.position());
        assertEquals(List.of(), torn, "nothing of the failed entry was written");
        final Engine continued = Engine.launch(engineContext(new AccumulatorStateMachine(), reopened,
            Topology.COMPACT).clock(new CountingClock(recovered)).recoveryListener(recovery));
        for (long i = recovered + 1; i <= recovered + CONTINUATION; i++)
        {
            assertEquals(i, continued.publish(ADD, 0, 0, i, payload(i), 0, 8));
        }
        continued.close();
        assertNull(continued.failure());
        assertEquals(recovered, recovery.recoveredLast);

        final Engine clean = Engine.launch(engineContext(new AccumulatorStateMachine(),
            new InMemoryJournal(JournalTesting.MAX_PAYLOAD), Topology.COMPACT).clock(new CountingClock(0)));
        for (long i = 1; i <= recovered + CONTINUATION; i++)
        {
            clean.publish(ADD, 0, 0, i, payload(i), 0, 8);
        }
        clean.close();
        assertEquals(clean.stateHash(), continued.stateHash(), "after the full disk, as a clean run of the " +
            recovered + " journaled commands and the continuation");
        assertEquals(clean.stateHash(), EngineFixtures.fullReplayHash(journalDir.getParent()),
            "and a replay of the journal agrees");
        System.out.println("FullDiskTest (" + (realDisk ? "tmpfs" : "injected") + "): published " + published +
            ", clients saw up to " + maxSeen + ", failed at " + failure.position() + ", recovered " + recovered);
    }

    private static UnsafeBuffer payload(final long i)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[8]);
        payload.putLong(0, (i * 7919) % 1_000, ByteOrder.LITTLE_ENDIAN);
        return payload;
    }

    /** Timestamps 1000, 2000, ... from a start: the same commands get the same timestamps in every run. */
    private static final class CountingClock implements EpochNanoClock
    {
        private long ticks;

        CountingClock(final long start)
        {
            this.ticks = start;
        }

        @Override
        public long nanoTime()
        {
            return ++ticks * 1_000;
        }
    }
}
