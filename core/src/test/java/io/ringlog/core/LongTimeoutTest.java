package io.ringlog.core;

import io.ringlog.core.testing.AccumulatorStateMachine;
import io.ringlog.core.testing.RecordingErrorHandler;
import io.ringlog.core.testing.StateMachineAdapter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.ringlog.core.testing.AccumulatorStateMachine.ADD;
import static io.ringlog.core.testing.AccumulatorStateMachine.longPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Wait forever" written as the largest value a type holds: {@code Long.MAX_VALUE} seconds for closeTimeout, or of
 * any unit for awaitApplied. Added to System.nanoTime, those overflowed: close threw a bare ArithmeticException and
 * left the engine running with its journal claimed, and awaitApplied timed out at once.
 */
class LongTimeoutTest
{
    @Test
    void shouldCloseWithACloseTimeoutOfLongMaxValueSeconds()
    {
        final InMemoryJournal journal = new InMemoryJournal(256);
        final AccumulatorStateMachine sm = new AccumulatorStateMachine();
        final Engine engine = Engine.launch(new EngineContext().stateMachine(sm).journal(journal)
            .closeTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
        engine.publish(ADD, 0, 0, 0, longPayload(7), 0, 8);
        engine.close();
        assertEquals(7, sm.total(), "close drained the accepted command");
        try (Engine again = Engine.launch(new EngineContext().stateMachine(new AccumulatorStateMachine())
            .journal(journal).closeTimeout(ChronoUnit.FOREVER.getDuration())))
        {
            assertEquals(2, again.publish(ADD, 0, 0, 0, longPayload(1), 0, 8), "the journal was released and continued");
        }
    }

    @Test
    void shouldRefuseANegativeCloseTimeoutAtLaunch()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Engine.launch(
            new EngineContext().stateMachine(new AccumulatorStateMachine()).closeTimeout(Duration.ofSeconds(-1))));
        assertTrue(refused.getMessage().contains("closeTimeout must not be negative"), refused.getMessage());
    }

    @Test
    void shouldWaitForTheCommandWhenAwaitAppliedIsGivenLongMaxValueSeconds() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final StateMachine held = new StateMachineAdapter()
        {
            @Override
            public void apply(final Command command, final Output output)
            {
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (Engine engine = Engine.launch(new EngineContext().stateMachine(held).errorHandler(new RecordingErrorHandler())))
        {
            final long position = engine.publish(ADD, 0, 0, 0, longPayload(1), 0, 8);
            final CompletableFuture<Void> waiting = CompletableFuture.runAsync(() ->
            {
                try
                {
                    engine.awaitApplied(position, Long.MAX_VALUE, TimeUnit.SECONDS);
                }
                catch (final TimeoutException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            try
            {
                // Before the fix the wait failed on its first look, within microseconds; it must still be waiting.
                assertThrows(TimeoutException.class, () -> waiting.get(300, TimeUnit.MILLISECONDS),
                    () -> "awaitApplied(Long.MAX_VALUE, SECONDS) returned early: " + outcome(waiting));
                // And the other end: a negative timeout has passed already (it wrapped to a deadline that never came).
                assertThrows(TimeoutException.class, () -> engine.awaitApplied(position, Long.MIN_VALUE, TimeUnit.SECONDS));
            }
            finally
            {
                release.countDown();
            }
            waiting.get(10, TimeUnit.SECONDS);
        }
    }

    private static String outcome(final CompletableFuture<Void> future)
    {
        try
        {
            future.getNow(null);
            return "normally, before the command was applied";
        }
        catch (final RuntimeException ex)
        {
            return String.valueOf(ex.getCause());
        }
    }
}
