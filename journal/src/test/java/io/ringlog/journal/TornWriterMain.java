package io.ringlog.journal;

import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * Child JVM for the torn-entry test: journals positions 1..N, then starts one more entry, writes
 * half of it and dies on the spot, as a process killed mid-write does. With a third argument
 * {@code new-cycle}, the journal rolls by the second and the torn entry is the first of a new cycle
 * file.
 */
public final class TornWriterMain
{
    private TornWriterMain()
    {
    }

    public static void main(final String[] args)
    {
        final Path directory = Path.of(args[0]);
        final long count = Long.parseLong(args[1]);
        final boolean newCycle = args.length > 2 && args[2].equals("new-cycle");
        final long millis = 1_700_000_000_000L;
        ChronicleJournal.Context ctx = JournalTesting.context(directory);
        if (newCycle)
        {
            ctx = ctx.rollCycle(JournalRollCycle.SECONDLY).epochMillisClock(() -> millis);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(ctx))
        {
            JournalTesting.appendRange(journal, 1, count, 16);
        }
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(directory);
        if (newCycle)
        {
            builder.rollCycle(JournalRollCycle.SECONDLY.chronicle())
                .timeProvider(new ChronicleJournal.CycleClock(() -> millis + 1_000));
        }
        final SingleChronicleQueue queue = builder.build();
        final ExcerptAppender appender = queue.createAppender();
        final DocumentContext dc = appender.writingDocument();
        dc.wire().bytes().writeLong(count + 1);
        dc.wire().bytes().writeLong(0x5151_5151L);
        System.out.println("half-written");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
