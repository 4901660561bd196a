package io.ringlog.journal.tool;

import io.ringlog.core.CommandFailedException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliSupportTest
{
    @Test
    void shouldReadCountsWithSeparatorsAndRefuseWhatIsNotOne()
    {
        assertEquals(1_000_000L, CliSupport.parseLong("1_000_000"));
        assertEquals(1_000_000L, CliSupport.parseLong("1,000,000"));
        assertThrows(CommandLine.TypeConversionException.class, () -> CliSupport.parseLong("1e6"));
        assertThrows(CommandLine.TypeConversionException.class, () -> CliSupport.parseInt("3000000000"));
        assertEquals(12L, CliSupport.parseLong("12"));
        assertEquals(-5L, CliSupport.parseLong("-5"));
        assertEquals(12_345L, CliSupport.parseLong("12,345"));
        // A reviewer's finding: separators anywhere were dropped, so --to 1,2 meant 12 without a word.
        for (final String mistyped : new String[] {"1,2", "_1", "1_", "1__0", "1_0", "1,000_000", "1.5", "1,0000"})
        {
            final CommandLine.TypeConversionException refused = assertThrows(CommandLine.TypeConversionException.class,
                () -> CliSupport.parseLong(mistyped), mistyped);
            assertEquals("'" + mistyped + "' is not an integer (digits, grouped by thousands with _ or , if at all: " +
                "1000000, 1_000_000 or 1,000,000)", refused.getMessage());
        }
        assertEquals("'99999999999999999999' is out of long range", assertThrows(CommandLine.TypeConversionException.class,
            () -> CliSupport.parseLong("99999999999999999999")).getMessage());
    }

    /** An unknown option's value is not called an unknown option too, as picocli alone calls it. */
    @Test
    void shouldNameAnUnknownOptionAndTheValueThatCameWithIt()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(CommandLine.ExitCode.USAGE, JournalTool.run(new PrintWriter(out), new PrintWriter(err),
            "verify", "-d", "x", "-x", "3"));
        assertTrue(err.toString().startsWith("error: Unknown option: '-x', with the value '3'\n"), err.toString());
        err.getBuffer().setLength(0);
        JournalTool.run(new PrintWriter(out), new PrintWriter(err), "verify", "-d", "x", "--bogus", "-y", "-5", "7");
        assertTrue(err.toString().startsWith("error: Unknown options: '--bogus', '-y', with the values '-5', '7'\n"),
            err.toString());
        err.getBuffer().setLength(0);
        JournalTool.run(new PrintWriter(out), new PrintWriter(err), "verify", "-d", "x", "--bogus=3");
        assertTrue(err.toString().startsWith("error: Unknown option: '--bogus=3'\n"), err.toString());
    }

    @Test
    void shouldSayFileErrorsPlainlyAndNeverPrintAStackTrace()
    {
        assertEquals("no such file or directory: x.txt", CliSupport.message(new NoSuchFileException("x.txt")));
        assertEquals("a file or directory of that name already exists: README.md",
            CliSupport.message(new FileAlreadyExistsException("README.md")));
        assertEquals("permission denied: /root/x", CliSupport.message(new UncheckedIOException(
            new AccessDeniedException("/root/x"))), "a wrapped file error is said in words too");
        assertEquals("inner", CliSupport.message(new RuntimeException(new IllegalStateException("inner"))));
        assertTrue(CliSupport.message(new OutOfMemoryError("Java heap space")).contains("RINGLOG_JAVA_OPTS=-Xmx"));
    }

    /**
     * A fault reading a mapped file (SIGBUS) is an InternalError, which picocli does not hand to the failure handler,
     * and which the JVM raises at some later instruction: in compiled code, past the journal's own catch. It is said
     * in one line; any other Error is not the command's to swallow.
     */
    @Test
    void shouldSayAFaultReadingAMappedFileInOneLineAndLetOtherErrorsThrough()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final String[] thrown = {"a fault occurred in a recent unsafe memory access operation in compiled Java code"};
        final CommandLine faulting = CliSupport.configure(new CommandLine(new Throwing(thrown)), new PrintWriter(out),
            new PrintWriter(err));
        final String said = "error: a fault reading a memory-mapped file where the file has no data: a journal's " +
            "cycle file damaged, or cut short while it was read ('journal verify -d DIR' names the damage)\n";
        assertEquals(CliSupport.FAILED, faulting.execute());
        assertEquals(said, err.toString());
        // The JVM's words where the faulting thread was in the VM or native code (a bulk copy, an interpreted read).
        thrown[0] = "a fault occurred in an unsafe memory access operation";
        err.getBuffer().setLength(0);
        assertEquals(CliSupport.FAILED, faulting.execute());
        assertEquals(said, err.toString());
        assertEquals("", out.toString());

        thrown[0] = "something else";
        final InternalError other = assertThrows(InternalError.class, () -> CliSupport.configure(new CommandLine(
            new Throwing(thrown)), new PrintWriter(out), new PrintWriter(err)).execute());
        assertEquals("something else", other.getMessage());
    }

    /** A command that throws an InternalError with the given message. */
    @CommandLine.Command(name = "throwing")
    private static final class Throwing implements java.util.concurrent.Callable<Integer>
    {
        private final String[] message;

        Throwing(final String[] message)
        {
            this.message = message;
        }

        @Override
        public Integer call()
        {
            throw new InternalError(message[0]);
        }
    }

    @Test
    void shouldRefuseAnInMemoryJournalThatWouldTakeMoreThanThreeQuartersOfTheHeap()
    {
        final long max = Runtime.getRuntime().maxMemory();
        assertNull(CliSupport.heapShortfall(max / 2 / 132, 132), "half the heap fits");
        final String refused = CliSupport.heapShortfall(max / 132, 132);
        assertNotNull(refused, "the whole heap does not");
        assertTrue(refused.contains(" commands need about ") && refused.contains("(132 bytes each), more than the " +
            String.format(Locale.ROOT, "%,d", (long)(max * 0.75) >> 20) + " MiB it may take: three quarters of the " +
            String.format(Locale.ROOT, "%,d", max >> 20) + " MiB this JVM may use, the rest left to the engine's rings " +
            "and state; give it more (RINGLOG_JAVA_OPTS=-Xmx"), refused);
        // A reviewer's Long.MAX_VALUE was advised -Xmx1511828488193g: more than the machine has is said as such.
        final String absurd = CliSupport.heapShortfall(Long.MAX_VALUE, 132);
        assertTrue(absurd.contains("(132 bytes each), and with the engine's rings and state a JVM of about ") &&
            absurd.endsWith(" MiB of memory") &&
            !absurd.contains("-Xmx"), absurd);
    }

    @Test
    void shouldPrintEachKindOfFailureOnceThenCountIt()
    {
        final StringWriter text = new StringWriter();
        final FailureReport report = new FailureReport(new PrintWriter(text, true), "engine");
        for (int position = 1; position <= 1_000; position++)
        {
            report.onError(new CommandFailedException(position, position % 3, failure(position)));
        }
        report.onError(new CommandFailedException(2_000, 1, new ArithmeticException("elsewhere")));
        report.printSummary();
        final String[] lines = text.toString().split("\n");
        assertEquals(3, lines.length, text.toString());
        assertTrue(lines[0].startsWith("engine: command at position 1 (type 1) failed"), lines[0]);
        assertTrue(lines[1].contains("ArithmeticException: elsewhere"), lines[1]);
        assertTrue(lines[2].startsWith("engine: 1000 failures like the first (IllegalStateException at "), lines[2]);
        assertEquals(1_001, report.total());
    }

    @Test
    void shouldShowAPercentageWhenTheTotalIsKnown()
    {
        final StringWriter text = new StringWriter();
        final Progress progress = new Progress(new PrintWriter(text, true), "replay", 0);
        progress.total(2_000);
        progress.updateNow(500, -1);
        final Progress run = new Progress(new PrintWriter(text, true), "run", 0);
        run.updateNow(4_096, 0.5);
        final String[] lines = text.toString().split("\n");
        assertTrue(lines[0].startsWith("progress: replay 25% (500 of 2,000), "), lines[0]);
        assertTrue(lines[1].startsWith("progress: run 50% (4,096), "), lines[1]);
    }

    private static IllegalStateException failure(final int position)
    {
        return new IllegalStateException("bug at " + position);
    }
}
