package io.ringlog.exchange.replication;

import io.ringlog.core.Command;
import io.ringlog.core.CommandCodec;
import io.ringlog.core.Crc32c;
import io.ringlog.core.Engine;
import io.ringlog.core.EngineContext;
import io.ringlog.core.JournalReader;
import io.ringlog.core.ReadOnlyJournal;
import io.ringlog.core.testing.LoopbackPorts;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.text.CommandTextWriter;
import io.ringlog.exchange.text.EventTextWriter;
import io.ringlog.exchange.workload.WorkloadConfig;
import io.ringlog.exchange.workload.WorkloadGenerator;
import io.ringlog.journal.ChronicleJournal;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the exchange replication tests share: workloads as text, journals compared, events regenerated. */
final class Exchanges
{
    static final int MAX_PAYLOAD = ExchangeNode.MAX_PAYLOAD;

    private Exchanges()
    {
    }

    /** A free loopback port below the kernel's ephemeral range ({@link LoopbackPorts}). */
    static int freePort()
    {
        return LoopbackPorts.free();
    }

    /** A workload's command lines (set-up first), as the 'generate' command writes them. */
    static List<String> workload(final WorkloadConfig config) throws Exception
    {
        final StringWriter text = new StringWriter();
        final CommandTextWriter writer = new CommandTextWriter(text);
        new WorkloadGenerator(config).generate(writer::write);
        final List<String> lines = new ArrayList<>();
        for (final String line : text.toString().split("\n"))
        {
            if (!line.isBlank())
            {
                lines.add(line);
            }
        }
        return lines;
    }

    static Path write(final Path file, final List<String> lines) throws IOException
    {
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    static ChronicleJournal readOnly(final Path journal)
    {
        return ChronicleJournal.open(new ChronicleJournal.Context().directory(journal).maxPayloadLength(MAX_PAYLOAD)
            .readOnly(true));
    }

    /**
     * Replays {@code journal} from position 1 up to {@code to} on a fresh exchange and returns every
     * event line it regenerates, in the format a node writes live, and (in {@code hash}) the state hash.
     */
    static List<String> regenerate(final Path journal, final long to, final long[] hash) throws IOException
    {
        final StringWriter text = new StringWriter();
        final Engine engine = Engine.launch(new EngineContext()
            .name("regenerate")
            .stateMachine(ExchangeStateMachine.configuredByJournal(true))
            .journal(ReadOnlyJournal.upTo(readOnly(journal), to))
            .maxPayloadLength(MAX_PAYLOAD)
            .listener("events", new EventTextWriter(text, true)));
        engine.close();
        if (hash != null)
        {
            hash[0] = engine.stateHash();
        }
        return lines(text.toString());
    }

    /** The whole lines of a file a killed process was writing (an unfinished last line is left out). */
    static List<String> wholeLines(final Path file)
    {
        if (!Files.exists(file))
        {
            return List.of();
        }
        try
        {
            return lines(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<String> lines(final String text)
    {
        final List<String> lines = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = text.indexOf('\n', start)) >= 0)
        {
            lines.add(text.substring(start, end));
            start = end + 1;
        }
        return lines;
    }

    /** The position an event line is about: {@code pos=N ...}. */
    static long position(final String eventLine)
    {
        final int space = eventLine.indexOf(' ');
        return Long.parseLong(eventLine.substring(4, space < 0 ? eventLine.length() : space));
    }

    /** The event's index among its command's events: {@code pos=N ev=K ...}. */
    static int eventIndex(final String eventLine)
    {
        final int at = eventLine.indexOf(" ev=") + 4;
        final int space = eventLine.indexOf(' ', at);
        return Integer.parseInt(eventLine.substring(at, space < 0 ? eventLine.length() : space));
    }

    /** Whether event line {@code a} comes after {@code b} in a history: by position, then by index. */
    static boolean after(final String a, final String b)
    {
        final int byPosition = Long.compare(position(a), position(b));
        return byPosition != 0 ? byPosition > 0 : eventIndex(a) > eventIndex(b);
    }

    /** Both journals hold the same entries (by checksum), positions 1..last with no gap; returns last. */
    static long assertSameJournals(final Path a, final Path b)
    {
        try (ChronicleJournal ja = readOnly(a); ChronicleJournal jb = readOnly(b);
             JournalReader ra = ja.reader(1); JournalReader rb = jb.reader(1))
        {
            final long last = ja.lastPosition();
            assertEquals(last, jb.lastPosition(), "both journals end at the same position");
            final Command ca = new Command(MAX_PAYLOAD);
            final Command cb = new Command(MAX_PAYLOAD);
            final UnsafeBuffer scratch = new UnsafeBuffer(new byte[CommandCodec.HEADER_LENGTH + MAX_PAYLOAD]);
            final Crc32c crc = new Crc32c();
            for (long position = 1; position <= last; position++)
            {
                if (!ra.next(ca) || !rb.next(cb))
                {
                    throw new AssertionError("a journal ends before position " + position);
                }
                assertEquals(position, ca.position(), "no gap");
                assertEquals(position, cb.position(), "no gap");
                assertEquals(CommandCodec.checksum(ca, scratch, crc), CommandCodec.checksum(cb, scratch, crc),
                    "entries differ at position " + position);
            }
            return last;
        }
    }

    static void append(final Writer writer, final String text)
    {
        try
        {
            writer.append(text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
