package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default error handler: a listener that fails on every event prints one stack trace, and its repeats
 * a line a second with their count, not a stack trace per event.
 */
class PrintingErrorHandlerTest
{
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();
    private final PrintingErrorHandler handler = new PrintingErrorHandler("engine", out, now::get);

    @Test
    void shouldPrintAFailureOnceWithItsStackTraceAndItsRepeatsOnceASecondWithTheirCount()
    {
        for (int i = 1; i <= 1_000; i++)
        {
            handler.onError(failure("reader", i));
        }
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        handler.onError(failure("reader", 1_001));
        assertEquals(1, count("Caused by: "), "one stack trace, no repeat within the second\n" + printed());
        // Probe (embedder): the failure's line was printed twice, once named, once as the trace's header.
        assertEquals(1, count("io.ringlog.core.ListenerException: listener 'reader' failed on the event of position 1:"),
            printed());
        assertTrue(printed().lines().skip(1).findFirst().orElse("").startsWith("\tat "), printed());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        handler.onError(failure("reader", 1_002));
        now.addAndGet(TimeUnit.SECONDS.toNanos(5));
        handler.onError(failure("reader", 1_003));

        final List<String> lines = printed().lines().filter((l) -> l.startsWith("engine: ")).toList();
        assertEquals(List.of(
            "engine: io.ringlog.core.ListenerException: listener 'reader' failed on the event of position 1: " +
                "java.lang.IllegalStateException: cannot read event 1",
            "engine: io.ringlog.core.ListenerException: listener 'reader' failed on the event of position 1002: " +
                "java.lang.IllegalStateException: cannot read event 1002 (the same failure 1001 more times since it was " +
                "last printed, 1002 in all; its stack trace was printed the first time)",
            "engine: io.ringlog.core.ListenerException: listener 'reader' failed on the event of position 1003: " +
                "java.lang.IllegalStateException: cannot read event 1003 (the same failure 1 more time since it was last " +
                "printed, 1003 in all; its stack trace was printed the first time)"), lines);
        assertEquals(1, count("Caused by: java.lang.IllegalStateException: cannot read event 1\n"), printed());
    }

    @Test
    void shouldCountTheRepeatsOfTheLastSecondWhenTheEngineCloses()
    {
        handler.onError(failure("reader", 1));
        handler.onError(failure("reader", 2));
        handler.onError(failure("reader", 3));
        handler.printUnprintedRepeats();
        handler.printUnprintedRepeats();
        final List<String> lines = printed().lines().filter((l) -> l.startsWith("engine: ")).toList();
        assertEquals(2, lines.size(), printed());
        assertEquals("engine: io.ringlog.core.ListenerException: listener 'reader' failed on the event of position 3: " +
            "java.lang.IllegalStateException: cannot read event 3 (the same failure 2 more times since it was last " +
            "printed, 3 in all, counted at close; its stack trace was printed the first time)", lines.get(1));
    }

    @Test
    void shouldPrintTheStackTraceOfEachDistinctFailure()
    {
        handler.onError(failure("reader", 1));
        handler.onError(failure("writer", 1));
        handler.onError(new ListenerException("reader", 2, new IllegalArgumentException("another kind")));
        handler.onError(failure("reader", 3));
        assertEquals(3, count("Caused by: "), printed());
        assertEquals(3, printed().lines().filter((l) -> l.startsWith("engine: ")).count(), printed());
    }

    /** A failure whose message says it all (a fenced primary, say) is one line: its stack trace would add nothing. */
    @Test
    void shouldPrintADiagnosedFailureInOneLine()
    {
        final class Refused extends IllegalStateException implements Diagnosed
        {
            private static final long serialVersionUID = 1L;

            Refused(final String message)
            {
                super(message);
            }
        }
        handler.onError(new Refused("FENCED: epoch 2 began at position 5001 on the other node; this one halted"));
        assertEquals("engine: " + Refused.class.getName() + ": FENCED: epoch 2 began at position 5001 on the other " +
            "node; this one halted\n", printed().replace("\r\n", "\n"));
    }

    /**
     * From outside: an engine with no error handler set and an inline listener that throws on every
     * event prints one stack trace on stderr for the 5,000 failures, and counts them all.
     */
    @Test
    @Timeout(60)
    void shouldNotPrintAStackTracePerEventForAListenerThatAlwaysFails() throws Exception
    {
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final PrintStream original = System.err;
        final long errors;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try
        {
            final EngineContext ctx = new EngineContext().name("flood").stateMachine(new AccumulatorStateMachine())
                .ringSize(1024).maxPayloadLength(64)
                .inlineListener("always-fails", (event, endOfBatch) ->
                {
                    throw new IllegalStateException("no room for event " + event.position());
                });
            try (Engine engine = Engine.launch(ctx))
            {
                for (int i = 1; i <= 5_000; i++)
                {
                    engine.publish(ADD, 0, 0, i, longPayload(i), 0, 8);
                }
                engine.close();
                errors = engine.metrics().listenerErrors();
            }
        }
        finally
        {
            System.setErr(original);
        }
        final String printed = stderr.toString(StandardCharsets.UTF_8);
        assertEquals(5_000, errors);
        assertEquals(1, printed.lines().filter((l) -> l.startsWith("Caused by: java.lang.IllegalStateException: no room " +
            "for event")).count(), printed);
        assertTrue(printed.lines().filter((l) -> l.startsWith("flood: ")).count() <= 61, printed);
        final List<String> counted = printed.lines().filter((l) -> l.startsWith("flood: ")).toList();
        assertTrue(counted.get(counted.size() - 1).contains(", 5000 in all"), "every failure counted by close: " + counted);
    }

    private static ListenerException failure(final String listener, final long position)
    {
        return new ListenerException(listener, position, fail(position));
    }

    private static IllegalStateException fail(final long position)
    {
        return new IllegalStateException("cannot read event " + position);
    }

    private String printed()
    {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private long count(final String text)
    {
        final String all = printed();
        long count = 0;
        for (int at = all.indexOf(text); at >= 0; at = all.indexOf(text, at + 1))
        {
            count++;
        }
        return count;
    }
}
