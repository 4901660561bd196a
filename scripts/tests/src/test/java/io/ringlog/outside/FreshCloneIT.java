package io.ringlog.outside;

import io.ringlog.exchange.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's main job as a new user meets it: a fresh clone with nothing built, then
 * {@code scripts/exchange demo}, exactly as the README writes it. The first use builds the jar; the
 * run must exit 0, show no stack trace, report business reasons for its rejections (never
 * COMMAND_FAILED), and replay to the same state.
 */
class FreshCloneIT
{
    private static final Duration BUILD_AND_RUN = Duration.ofMinutes(8);

    @Test
    void shouldBuildAndRunTheReadmeMainJobOnAFreshClone(@TempDir final Path temp) throws Exception
    {
        final Path clone = Repository.freshClone(temp);
        assertFalse(Files.exists(clone.resolve("matching-example/target")), "a fresh clone has nothing built");
        // As a new user has it: no RINGLOG_JAVA_OPTS (Shell's C1-only default would slow the demo's million commands).
        final Shell shell = new Shell(clone, Map.of("RINGLOG_JAVA_OPTS", ""));

        // Another script's first use at the same moment (as the replica session starts two nodes with '&'): one
        // builds, the other waits for that build instead of running Maven beside it on the same target directories.
        final Shell.Result demo = shell.run("(scripts/journal --help > side.out 2> side.err; echo $? > side.rc) & " +
            ReadmeCommands.mainJob() + "; rc=$?; wait; exit $rc", BUILD_AND_RUN).expectOk();
        final String sideErr = Files.readString(clone.resolve("side.err"));
        assertEquals("0", Files.readString(clone.resolve("side.rc")).strip(), sideErr);
        final String both = demo.err() + sideErr;
        assertEquals(1, count(both, "building ringlog matching-example"), "the first use builds what it needs, once\n" +
            demo + "\nside: " + sideErr);
        assertEquals(1, count(both, "waiting for another ringlog build in " + clone + " to finish..."), both);
        UserOutput.assertNoStackTrace(demo);
        UserOutput.assertNoCommandFailed(demo);
        assertEquals("true", demo.value("replay-matches"), demo.toString());
        assertEquals(demo.value("state-hash"), demo.value("replay-state-hash"));
        final String reasons = demo.value("rejected-by-reason");
        for (final String entry : reasons.split(" "))
        {
            final String reason = entry.substring(0, entry.indexOf('='));
            assertNotNull(RejectReason.of(codeOf(reason)), "not a business reason: " + reason + " in " + reasons);
        }
        assertEquals(Long.parseLong(demo.value("commands")),
            Long.parseLong(demo.value("accepted")) + Long.parseLong(demo.value("rejected")), "every command is one or the other");

        // The other entry points work on the same clone, now that it is built.
        final Shell.Result version = shell.run("scripts/exchange -V", Duration.ofMinutes(1)).expectOk();
        assertTrue(version.out().startsWith("ringlog " + System.getProperty("ringlog.version", "")), version.toString());
        for (final String help : new String[]{"scripts/exchange --help", "scripts/journal --help",
            "scripts/ledger-demo --help", "scripts/bench --help"})
        {
            final Shell.Result result = shell.run(help, Duration.ofMinutes(1)).expectOk();
            assertTrue(result.out().contains("Usage") || result.out().contains("scripts/bench"), result.toString());
            UserOutput.assertNoStackTrace(result);
        }
    }

    private static int codeOf(final String name)
    {
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason.name().equals(name))
            {
                return reason.code();
            }
        }
        return -1;
    }

    private static int count(final String text, final String what)
    {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length()))
        {
            n++;
        }
        return n;
    }
}
