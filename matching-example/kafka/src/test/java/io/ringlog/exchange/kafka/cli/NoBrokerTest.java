package io.ringlog.exchange.kafka.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No broker where the user points: every command that needs one says so in one line and exits 1 within
 * seconds, where Kafka's clients alone warned every second and gave up after a minute (74 s for
 * {@code topics}, measured from the script before this check).
 */
class NoBrokerTest
{
    /** The probe's 3 s per server, and the JVM's start, with room to spare on a loaded machine. */
    private static final Duration QUICK = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void shouldSayThatNoBrokerAnswersAndExitAtOnce() throws Exception
    {
        final int port = closedPort();
        final Path commands = Files.writeString(dir.resolve("commands.txt"), "deposit acct=12 asset=0 amount=1000000\n");
        final List<List<String>> lines = List.of(
            List.of("topics"),
            List.of("feed", "-i", commands.toString()),
            List.of("tail"),
            List.of("tail", "--events-topic", "exchange.events.p0"),
            List.of("book", "--symbol", "1", "--events-topic", "exchange.events.p0"),
            List.of("balances", "--account", "12"),
            List.of("bench", "--bootstrap", "localhost:" + port));
        for (final List<String> line : lines)
        {
            final List<String> args = new ArrayList<>(line);
            if (!line.contains("--bootstrap"))
            {
                args.addAll(List.of("--bootstrap", "localhost:" + port));
            }
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final long started = System.nanoTime();
            final int code = ExchangeKafkaCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
            final Duration took = Duration.ofNanos(System.nanoTime() - started);

            final String what = String.join(" ", args) + " -> " + code + " in " + took.toMillis() + " ms\n" + out + err;
            assertEquals(1, code, what);
            assertTrue(err.toString().startsWith("error: the broker at localhost:" + port + " did not answer (localhost:" +
                port + ": "), what);
            assertTrue(err.toString().contains("is it running? ('exchange kafka broker' starts one)"), what);
            assertEquals(1, err.toString().lines().count(), "one line: " + what);
            assertFalse(err.toString().contains("\tat "), "no stack trace: " + what);
            assertTrue(took.compareTo(QUICK) < 0, "at once: " + what);
        }
    }

    @Test
    void shouldTryEachBootstrapServerAndRefuseAListThatIsNotHostAndPort() throws Exception
    {
        final int first = closedPort();
        final int second = closedPort();
        final StringWriter err = new StringWriter();
        assertEquals(1, ExchangeKafkaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "topics",
            "--bootstrap", "localhost:" + first + ",localhost:" + second));
        assertTrue(err.toString().startsWith("error: the broker at localhost:" + first + ",localhost:" + second +
            " did not answer (localhost:" + first + ": "), err.toString());
        assertTrue(err.toString().contains("; localhost:" + second + ": "), "every server's reason: " + err);

        for (final String command : List.of("topics", "tail"))
        {
            final StringWriter bad = new StringWriter();
            assertEquals(2, ExchangeKafkaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(bad), command,
                "--bootstrap", "localhost:" + first + ",localhost"), "bad usage: " + bad);
            assertEquals("error: --bootstrap localhost:" + first + ",localhost: 'localhost' is not HOST:PORT",
                bad.toString().lines().findFirst().orElse(""), bad.toString());
        }

        final StringWriter unknown = new StringWriter();
        assertEquals(1, ExchangeKafkaCli.run(new PrintWriter(new StringWriter()), new PrintWriter(unknown), "topics",
            "--bootstrap", "no-such-host.invalid:9092"));
        assertTrue(unknown.toString().startsWith("error: the broker at no-such-host.invalid:9092 did not answer " +
            "(no-such-host.invalid:9092: unknown host)"), unknown.toString());
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
