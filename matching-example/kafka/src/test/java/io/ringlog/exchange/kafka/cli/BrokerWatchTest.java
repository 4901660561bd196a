package io.ringlog.exchange.kafka.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An engine says once that its broker went away (after a few quiet seconds), and once that it is back. */
class BrokerWatchTest
{
    @Test
    void shouldSayOnceThatTheBrokerIsAwayAndOnceThatItIsBack()
    {
        final BrokerWatch watch = BrokerWatch.engine("localhost:9092", 60);
        final long away = 1_000_000;
        assertNull(watch.check(0, away), "connected");
        assertNull(watch.check(away, away + BrokerWatch.QUIET_MS - 1), "a reconnect's moment is not worth a line");
        final String gone = watch.check(away, away + BrokerWatch.QUIET_MS);
        assertTrue(gone.startsWith("engine: the broker at localhost:9092 has not answered since ") &&
            gone.contains("(no connection to it). Waiting for it: ") && gone.contains("--broker-timeout (60 s)") &&
            !gone.contains("\n"), gone);
        assertNull(watch.check(away, away + 60_000), "said once");
        final String back = watch.check(0, away + 42_500);
        assertTrue(back.equals("engine: the broker at localhost:9092 answers again (it was away for about 42 s)"), back);
        assertNull(watch.check(0, away + 43_000), "said once");
        assertTrue(watch.check(away + 50_000, away + 50_000 + BrokerWatch.QUIET_MS) != null, "and again the next time");
    }
}
