package io.ringlog.journal;

import io.ringlog.core.JournalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.ringlog.journal.JournalTesting.appendRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cycle file cut short while the journal writes it ({@code truncate -s}, a clean-up job, a file replaced under
 * it): the writer's stores, and the pages its own thread touches ahead ({@link TouchAhead}), would meet bytes the
 * file no longer has, a SIGBUS. The toucher checks the file's size before each pass and stops short of a cut: its
 * touch past one reached stderr as an uncaught stack trace from {@code ringlog-touch-ahead-…}, or, where the touch
 * ran in the interpreter (a native CAS the JVM does not guard), killed the JVM. The writer's fault, which the JVM
 * raises in compiled code as an {@code InternalError}, stops the append with the file and what to run, in words.
 * Run in a JVM of its own, as a user's service would be.
 */
class CutUnderWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldStopTheAppendInWordsAndPrintNoStackTraceWhenTheFileIsCutUnderTheWriter() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final JournalTesting.Ran ran = JournalTesting.runJvm(120, CutWhileWriting.class, journalDir.toString());

        assertEquals(0, ran.code(), ran.toString());
        assertTrue(ran.output().contains("toucher: stopped short of the cut, before the writer reached it"),
            ran.toString());
        final String file = JournalTesting.cycleFiles(journalDir).get(0).toString();
        // Nearly always the journal's own catch: then in words, naming the file.
        assertTrue(ran.output().contains("append fault raised past the journal's catch: a fault in the mapped file") ||
            ran.output().contains("append refused: ") &&
            ran.output().contains("a fault writing cycle file " + file + " through its memory map, at a byte the file " +
                "no longer has: it was cut short while the journal wrote it") &&
            ran.output().contains("'scripts/journal verify -d " + journalDir + "' says what the journal still holds"),
            ran.toString());
        assertTrue(ran.output().contains("closed"), ran.toString());
        assertFalse(ran.output().contains("Exception in thread") || ran.output().contains("\tat ") ||
            ran.output().contains("unsafe memory access") || ran.output().contains("InternalError"), ran.toString());
    }

    /**
     * Appends until the toucher is a mebibyte ahead and caught up, cuts the file past the writer but short of where the
     * toucher will be asked to go next, writes on until that ask (the toucher stops short of the cut), then on into
     * the cut.
     */
    public static final class CutWhileWriting
    {
        private static final long PAGE = 4096;
        private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

        public static void main(final String[] args) throws Exception
        {
            final Path journalDir = Path.of(args[0]);
            final ChronicleJournal journal = ChronicleJournal.open(JournalTesting.context(journalDir)
                .preallocate(16 << 20));
            long next = 1;
            appendRange(journal, next, 20_000, 100);
            next = 20_001;
            await(() -> journal.touchedAheadBytes() >= TouchAhead.LEAD / 2 && journal.touchAheadParked(),
                "the toucher never got ahead");

            // The toucher has been asked to a point past written + LEAD / 2; the writer asks again before it gets
            // there, and that ask sends the toucher past the cut, while the writer is still short of it.
            // Caught up, it has touched to what the writer last asked, more than half a lead past the writer; the
            // writer asks again before it reaches that point, and the ask reaches past the cut.
            final Path file = JournalTesting.cycleFiles(journalDir).get(0);
            final long cut = journal.touchedAheadTo() + 8 * PAGE;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
            {
                raf.setLength(cut);
            }
            while (writtenBytes(file) < cut - 4 * PAGE)
            {
                appendRange(journal, next, next + 15, 16);
                next += 16;
            }
            await(() -> !journal.touchAheadRunning(), "the toucher did not stop at the cut");
            if (!journal.touchAheadSawCut() || journal.touchedAheadTo() > cut)
            {
                throw new AssertionError("the toucher did not stop at the file's size (it touched to " +
                    journal.touchedAheadTo() + ", the cut is at " + cut + ")");
            }
            System.out.println("toucher: stopped short of the cut, before the writer reached it");

            try
            {
                for (int i = 0; i < 1_000_000; i++)
                {
                    appendRange(journal, next, next, 1);
                    next++;
                }
                System.out.println("append went on past the cut");
            }
            catch (final JournalException refused)
            {
                System.out.println("append refused: " + refused.getMessage());
            }
            catch (final InternalError late)
            {
                // The JVM raises a fault in compiled code at its next check, which can come after the journal's catch:
                // an engine's stage words it then (core's JournalFailureTest); here it is said apart, with no trace.
                System.out.println("append fault raised past the journal's catch: " +
                    (io.ringlog.core.MappedFileFault.is(late) ? "a fault in the mapped file" : String.valueOf(late)));
            }
            try
            {
                journal.close();
                System.out.println("closed");
            }
            catch (final JournalException refused)
            {
                System.out.println("close refused: " + refused.getMessage());
            }
        }

        /** Offset just past the last non-zero byte of {@code file}. */
        private static long writtenBytes(final Path file) throws Exception
        {
            final byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] == 0)
            {
                end--;
            }
            return end;
        }

        private static void await(final java.util.function.BooleanSupplier condition, final String failure)
        {
            final long deadline = System.nanoTime() + WAIT_NANOS;
            while (!condition.getAsBoolean())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new AssertionError(failure);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }
}
