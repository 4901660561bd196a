package io.ringlog.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InFlightTest
{
    @Test
    void shouldWaitForEachBatchWithNoneInFlight()
    {
        final InFlight window = new InFlight(0);
        assertEquals(999, window.published(999));
        assertEquals(1999, window.published(1999));
    }

    @Test
    void shouldWaitForTheBatchThatManyBack()
    {
        final InFlight window = new InFlight(2);
        assertEquals(-1, window.published(10), "nothing to wait for while only one batch is out");
        assertEquals(-1, window.published(20));
        assertEquals(10, window.published(30), "the third batch waits for the first");
        assertEquals(20, window.published(40));
        for (long last = 50; last <= 1000; last += 10)
        {
            assertEquals(last - 20, window.published(last), "two batches stay in flight, lap after lap");
        }
    }

    @Test
    void shouldNeverWaitWhenStreaming()
    {
        final InFlight stream = new InFlight(InFlight.STREAM);
        for (long last = 10; last <= 1000; last += 10)
        {
            assertEquals(-1, stream.published(last), "paced by the ring alone");
        }
    }

    @Test
    void shouldRefuseAWindowBelowStreaming()
    {
        assertThrows(IllegalArgumentException.class, () -> new InFlight(-2));
    }
}
