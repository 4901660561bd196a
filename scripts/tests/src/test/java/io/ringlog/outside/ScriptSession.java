package io.ringlog.outside;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the command-line tests share: a session directory whose scripts run the repository's on the jars this build
 * packaged (RINGLOG_NO_BUILD=1), and waits with deadlines. In classes of their own, so that failsafe's two forks run
 * them side by side.
 */
abstract class ScriptSession
{
    static final Duration QUICK = Duration.ofMinutes(2);
    static final Pattern KEY = Pattern.compile("^([a-z0-9.-]+): ", Pattern.MULTILINE);

    @TempDir
    static Path temp;
    static Path session;
    static Shell shell;

    @BeforeAll
    static void sessionDirectory() throws Exception
    {
        session = Repository.sessionDirectory(temp);
        shell = new Shell(session, Map.of("RINGLOG_NO_BUILD", "1"));
    }

    /** Waits until {@code run} has written an event to {@code events}; kills it and fails if it does not in time. */
    static void awaitEvents(final Shell.Running run, final Path events) throws Exception
    {
        final long deadline = System.nanoTime() + QUICK.toNanos();
        while (!Files.exists(events) || Files.size(events) == 0)
        {
            if (System.nanoTime() > deadline)
            {
                run.signal(true);
                throw new AssertionError("the run showed no event in " + QUICK + "\n" + run.await(QUICK));
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    /** Runs a command that must fail with {@code code}, saying why in one line, without a stack trace or class name. */
    static Shell.Result refused(final int code, final String command) throws Exception
    {
        final Shell.Result result = shell.run(command, QUICK);
        assertEquals(code, result.code(), result.toString());
        assertTrue(result.err().startsWith("error: "), result.toString());
        final long lines = code == 2 ? 2 : 1;
        assertEquals(lines, result.err().lines().count(), "one line (then where help is, for usage)\n" + result);
        assertEquals("", result.out(), result.toString());
        UserOutput.assertNoStackTrace(result);
        return result;
    }

    static List<String> list(final String directory) throws Exception
    {
        try (Stream<Path> files = Files.list(session.resolve(directory)))
        {
            return files.map((file) -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** Waits until {@code running} has printed {@code text} on stdout; kills it and fails if it does not in time. */
    static void awaitOut(final Shell.Running running, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + QUICK.toNanos();
        while (!running.outSoFar().contains(text))
        {
            if (System.nanoTime() > deadline)
            {
                running.signal(true);
                throw new AssertionError("no '" + text + "' in " + QUICK + "\n" + running.await(QUICK));
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    static Set<String> keys(final String output)
    {
        final Set<String> keys = new LinkedHashSet<>();
        final Matcher matcher = KEY.matcher(output);
        while (matcher.find())
        {
            keys.add(matcher.group(1));
        }
        return keys;
    }
}
