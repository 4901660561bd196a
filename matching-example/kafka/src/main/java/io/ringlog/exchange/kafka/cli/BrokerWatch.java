package io.ringlog.exchange.kafka.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What a running engine or feed says when its broker stops answering, and when it answers again: once each, in
 * its own words, where the Kafka clients would warn every second (their warnings are off in the scripts).
 * A broker that is away for less than {@link #QUIET_MS} (a reconnect) is not worth a line.
 */
final class BrokerWatch
{
    static final long QUIET_MS = 5_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final String who;
    private final String servers;
    private final String meanwhile;
    private long said;

    /**
     * @param who       what the lines start with: "engine", "feed".
     * @param meanwhile what it does while the broker is away, and when it gives up.
     */
    private BrokerWatch(final String who, final String servers, final String meanwhile)
    {
        this.who = who;
        this.servers = servers;
        this.meanwhile = meanwhile;
    }

    static BrokerWatch engine(final String servers, final long brokerTimeoutSeconds)
    {
        return new BrokerWatch("engine", servers, "the engine reads commands again once it is back; with events to " +
            "commit it stops after --broker-timeout (" + brokerTimeoutSeconds + " s), losing nothing");
    }

    /** For a command following a topic ({@code tail}, {@code dead-letters}): it waits, however long. */
    static BrokerWatch follower(final String who, final String servers)
    {
        return new BrokerWatch(who, servers, "it reads on once the broker is back (Ctrl-C stops it)");
    }

    static BrokerWatch feed(final String servers, final long brokerTimeoutSeconds)
    {
        return new BrokerWatch("feed", servers, "the feed goes on once it is back; a record or commit it has waited " +
            "--broker-timeout (" + brokerTimeoutSeconds + " s) for stops it, saying which lines are in the topic");
    }

    /** Prints on {@code err} the line {@link #check} has now, if any: what each command that watches does. */
    void say(final java.io.PrintWriter err, final long awaySince)
    {
        final String line = check(awaySince, System.currentTimeMillis());
        if (line != null)
        {
            err.println(line);
            err.flush();
        }
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
            return who + ": the broker at " + servers + " has not answered since " + TIME.format(Instant.ofEpochMilli(
                awaySince)) + " (no connection to it). Waiting for it: " + meanwhile;
        }
        if (awaySince == 0 && said > 0)
        {
            final long away = (now - said) / 1_000;
            said = 0;
            return who + ": the broker at " + servers + " answers again (it was away for about " + away + " s)";
        }
        return null;
    }
}
