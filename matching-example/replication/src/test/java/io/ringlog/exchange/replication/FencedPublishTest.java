package io.ringlog.exchange.replication;

import io.ringlog.exchange.workload.WorkloadConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publish running on a primary when its standby is promoted: the old primary is fenced part way through
 * the file. Its answer sends the asker to the new primary, with no line of its own (what it journaled after
 * the promotion is not in the new history, so a line counted there would skip commands); the new primary
 * names the line, and from it the rest of the file goes in, each command once.
 */
class FencedPublishTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldSendAPublishStoppedByFencingToTheNewPrimaryWhichNamesTheLine() throws Exception
    {
        final long seed = System.nanoTime();
        final List<String> workload = Exchanges.workload(WorkloadConfig.exchangeCore(seed, 6_000));
        final Path file = Exchanges.write(dir.resolve("commands.txt"), workload);
        final int[] ports = {Exchanges.freePort(), Exchanges.freePort()};
        final NodeProcess x = NodeProcess.start(dir, "x", "primary", ports[0], ports[1], "sync", false,
            dir.resolve("x-events.txt"));
        // Promoted, y has no standby (x is fenced): it shows what it journals half a second after losing it.
        final NodeProcess y = NodeProcess.start(dir, "y", "standby", ports[1], ports[0], "sync", false,
            dir.resolve("y-events.txt"), "--degrade-after-ms", "500");
        try
        {
            x.awaitRunning();
            y.awaitRunning();
            final Properties paced = new Properties();
            paced.setProperty("file", file.toString());
            // About 11 s of commands at this rate, of which the promotion and the fencing take one or two.
            paced.setProperty("rate", "1000");
            Mailbox.ask(x.directory().inbox(), "publish-paced", paced);
            KillPrimaryTest.await(() -> x.statusShows((status) -> status.acknowledgedPosition() > 1_000),
                "part of the file acknowledged");

            // x runs: an arbiter that knows it is cut off from its clients forces the promotion.
            final Properties forced = new Properties();
            forced.setProperty("force", "true");
            Mailbox.ask(y.directory().control(), "promote", forced);
            final Properties promoted = Mailbox.awaitAnswer(y.directory().control(), "promote", WAIT);
            assertEquals("promoted", promoted.getProperty("status"), promoted.toString());

            final Properties stopped = Mailbox.awaitAnswer(x.directory().inbox(), "publish-paced", WAIT);
            assertEquals("stopped", stopped.getProperty("status"), stopped.toString());
            assertNull(stopped.getProperty("resume-from-line"), "no line of the fenced node's: " + stopped);
            assertTrue(stopped.getProperty("message").contains("FENCED") && stopped.getProperty("message").endsWith(
                "resume on the new primary: publish the same file there without --from-line, and it names the line " +
                "to go on from (it checks which of the file's commands it holds; those this node journaled after the " +
                "promotion are not among them)"), stopped.toString());
            assertTrue(x.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the fenced node ends");
            assertEquals(ExchangeNode.FENCED, x.process.exitValue());
            // Its positions are those its journal held: what was sequenced past them is named apart.
            final long journaledByX;
            try (io.ringlog.journal.ChronicleJournal journal = Exchanges.readOnly(x.directory().journal()))
            {
                journaledByX = journal.lastPosition();
            }
            System.out.println("the fenced node's answer: " + stopped + "; its journal ends at " + journaledByX);
            // Every command sequenced is in one of the two, once: positions up to the journal's end, the rest apart.
            final long commands = Long.parseLong(stopped.getProperty("commands"));
            final String notJournaled = stopped.getProperty("not-journaled");
            final java.util.regex.Matcher range = java.util.regex.Pattern.compile("(\\d+)\\.\\.(\\d+) \\(sequenced " +
                "before the fence, not committed to this node's journal when its engine halted\\)")
                .matcher(notJournaled == null ? "" : notJournaled);
            final boolean apart = range.matches();
            assertTrue(notJournaled == null || apart, stopped.toString());
            if ("none".equals(stopped.getProperty("last-position")))
            {
                assertTrue(apart && Long.parseLong(range.group(2)) - Long.parseLong(range.group(1)) + 1 == commands,
                    stopped.toString());
            }
            else
            {
                final long firstPosition = Long.parseLong(stopped.getProperty("first-position"));
                final long lastPosition = Long.parseLong(stopped.getProperty("last-position"));
                assertTrue(lastPosition <= journaledByX, lastPosition + " > " + journaledByX + ": " + stopped);
                final long lastSequenced = apart ? Long.parseLong(range.group(2)) : lastPosition;
                assertEquals(commands, lastSequenced - firstPosition + 1, stopped.toString());
                assertTrue(!apart || Long.parseLong(range.group(1)) == lastPosition + 1, stopped.toString());
            }

            // As it says: the whole file to the new primary, which names the line.
            final Properties again = new Properties();
            again.setProperty("file", file.toString());
            Mailbox.ask(y.directory().inbox(), "publish-again", again);
            final Properties refused = Mailbox.awaitAnswer(y.directory().inbox(), "publish-again", WAIT);
            assertEquals("refused", refused.getProperty("status"), refused.toString());
            final String message = refused.getProperty("message");
            final int at = message.indexOf("Resume: publish the same file with --from-line ");
            assertTrue(at > 0, message);
            final String line = message.substring(at + "Resume: publish the same file with --from-line ".length()).split(" ")[0];
            final long held = Long.parseLong(promoted.getProperty("position")) - 1;
            // The new primary holds the settings, then lines 1..line-1 of the file, then the epoch.
            assertEquals(held - 1, Long.parseLong(line) - 1, "the lines it holds are its positions up to the promotion: " +
                message);

            final Properties rest = new Properties();
            rest.setProperty("file", file.toString());
            rest.setProperty("from-line", line);
            Mailbox.ask(y.directory().inbox(), "publish-rest", rest);
            final Properties published = Mailbox.awaitAnswer(y.directory().inbox(), "publish-rest", WAIT);
            assertEquals("published", published.getProperty("status"), published.toString());
            assertEquals("true", published.getProperty("applied"), published.toString());
            assertEquals(workload.size() - Long.parseLong(line) + 1, Long.parseLong(published.getProperty("commands")),
                published.toString());

            Mailbox.ask(y.directory().inbox(), "publish-once-more", again);
            final Properties whole = Mailbox.awaitAnswer(y.directory().inbox(), "publish-once-more", WAIT);
            assertEquals("refused", whole.getProperty("status"), whole.toString());
            assertTrue(whole.getProperty("message").contains("every command of the file: it was published to this node already"),
                whole.toString());
            KillPrimaryTest.stop(y);
        }
        finally
        {
            NodeProcess.killAlive(x, y);
        }
    }
}
