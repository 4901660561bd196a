package io.ringlog.outside;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench/peers/peer compare} as bench/peers/README.md runs it: both engines over the exchange-core preset's
 * 20,000-command file, their answers side by side. A reviewer's finding: once event lines gained {@code ev=K}, the
 * script read every ringlog count as 0 and exited 0 with a table of plausible differences. The ringlog column here is
 * the README's ("Do the engines agree?"), exchange-core's is pinned by {@code ExchangeCorePeerTest}.
 */
class PeerCompareIT
{
    private static final Duration RUN = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    @Test
    void shouldCountRinglogsAnswersBesideExchangeCoresAsTheReadmeShows() throws Exception
    {
        // The peer runs exchange-core 0.5.3 with Java 17's flags, as the suite does.
        Assumptions.assumeTrue(Runtime.version().feature() == 17, "the exchange-core peer runs on Java 17");
        final Path session = Repository.sessionDirectory(temp);
        final Shell shell = new Shell(session, Map.of("RINGLOG_NO_BUILD", "1"));
        shell.run("scripts/exchange generate --preset exchange-core --commands 20000 --seed 42 -o ec-20k.txt", RUN)
            .expectOk();

        final Shell.Result result = shell.run("'" + Repository.root().resolve("bench/peers/peer") + "' compare -i " +
            "ec-20k.txt --setup 5001", RUN);

        result.expectOk();
        UserOutput.assertNoStackTrace(result);
        final Map<String, String> ringlog = new LinkedHashMap<>();
        final Map<String, String> peer = new LinkedHashMap<>();
        boolean table = false;
        for (final String line : result.out().split("\n"))
        {
            final String[] cells = line.trim().split("\\s+");
            if (cells[0].equals("figure"))
            {
                table = true;
            }
            else if (table && cells.length >= 3)
            {
                ringlog.put(cells[0], cells[1]);
                peer.put(cells[0], cells[2]);
            }
        }
        assertEquals(Map.of("trades", "1517", "traded-lots", "4371", "accepted", "3047", "rejected-cannot-fill", "5",
            "cancelled-unfilled", "9", "cancelled-user", "1232", "moved", "14280", "reduced", "1436", "rejected-other", "0",
            "cancelled-self-trade", "2"), without(ringlog, "self-trades"), result.toString());
        assertEquals("1517", peer.get("trades"), result.toString());
        assertEquals("14280", peer.get("moved"), result.toString());
        assertTrue(result.out().contains("setup-commands: 5001\n"), result.toString());
        // A reviewer's: with no command it said "unknown command ''".
        final Shell.Result none = shell.run("'" + Repository.root().resolve("bench/peers/peer") + "'", RUN);
        assertEquals(2, none.code(), none.toString());
        assertEquals("error: give a command: throughput, latency, compare or build\nTry 'bench/peers/peer --help' for " +
            "more information.\n", none.err(), none.toString());
    }

    private static Map<String, String> without(final Map<String, String> counts, final String key)
    {
        final Map<String, String> rest = new LinkedHashMap<>(counts);
        rest.remove(key);
        return rest;
    }
}
