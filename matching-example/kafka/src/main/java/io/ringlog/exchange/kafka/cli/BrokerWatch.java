package io.ringlog.exchange.kafka.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What a running engine says when its broker stops answering, and when it answers again: once each, in
 * its own words, where the Kafka clients would warn every second (their warnings are off in the scripts).
 * A broker that is away for less than {@link #QUIET_MS} (a reconnect) is not worth a line.
 */
final class BrokerWatch
{
    static final long QUIET_MS = 5_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final String servers;
    private final long brokerTimeoutSeconds;
    private long said;

    BrokerWatch(final String servers, final long brokerTimeoutSeconds)
    {
        this.servers = servers;
        this.brokerTimeoutSeconds = brokerTimeoutSeconds;
    }

    /**
     * The line to print now, or null.
     *
     * @param awaySince since when the engine has had no connection to a broker (epoch ms), or 0.
     * @param now       the time now (epoch ms).
     */
    String check(final long awaySince, final long now)
    {
        if (awaySince > 0 && said == 0 && now - awaySince >= QUIET_MS)
        {
            said = awaySince;
            return "engine: the broker at " + servers + " has not answered since " + TIME.format(Instant.ofEpochMilli(
                awaySince)) + " (no connection to it). Waiting for it: the engine reads commands again once it is " +
                "back; with events to commit it stops after --broker-timeout (" + brokerTimeoutSeconds + " s), losing " +
                "nothing";
        }
        if (awaySince == 0 && said > 0)
        {
            final long away = (now - said) / 1_000;
            said = 0;
            return "engine: the broker at " + servers + " answers again (it was away for about " + away + " s)";
        }
        return null;
    }
}
