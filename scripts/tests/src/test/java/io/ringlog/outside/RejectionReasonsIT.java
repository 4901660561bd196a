package io.ringlog.outside;

import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rejection reason a command file can reach, through {@code scripts/exchange run} as a user runs
 * it: the events file says {@code rejected reason=X} at the position of each line that should be
 * rejected, with exactly X, and {@code rejected-by-reason:} counts them. (The exchange's unit tests
 * once passed while every one of these reached users as COMMAND_FAILED.) The reasons no text file can
 * produce (the text parser refuses the line first) are held by {@code ExchangeRejectionsTest}
 * through the engine.
 */
class RejectionReasonsIT
{
    /**
     * Reasons a command file cannot reach: the text parser refuses such lines, and the settings command
     * at position 1 comes from the command line's options, never from the file.
     */
    static final Set<RejectReason> NOT_FROM_A_FILE = EnumSet.of(RejectReason.UNKNOWN_COMMAND, RejectReason.MALFORMED,
        RejectReason.BAD_SIDE, RejectReason.BAD_ORDER_TYPE, RejectReason.NOT_CONFIGURED, RejectReason.ALREADY_CONFIGURED,
        RejectReason.BAD_SETTINGS);

    private static final Pattern EXPECTED = Pattern.compile("#\\s*([A-Z_]+)\\s*$");
    private static final Pattern REJECTED = Pattern.compile("^pos=(\\d+) ev=\\d+ rejected reason=([A-Z_]+)");
    private static final Pattern SYMBOL = Pattern.compile("\\bsym=(\\d+)");

    @Test
    void shouldReportEachRejectionWithItsBusinessReason(@TempDir final Path temp) throws Exception
    {
        final Path commands = temp.resolve("rejections.txt");
        try (InputStream in = RejectionReasonsIT.class.getResourceAsStream("rejections.txt"))
        {
            assertNotNull(in, "rejections.txt test resource");
            Files.copy(in, commands);
        }
        final Shell shell = new Shell(Repository.sessionDirectory(temp), Map.of("RINGLOG_NO_BUILD", "1"));
        final Shell.Result run = shell.run("scripts/exchange run -i " + commands + " -d " + temp.resolve("journal") +
            " --events " + temp.resolve("events.txt"), Duration.ofMinutes(3)).expectOk();
        // The file's first command gets first-position (a new exchange journal holds its settings at 1).
        final Map<Long, String> expected = expectedByPosition(Files.readAllLines(commands, StandardCharsets.UTF_8),
            Long.parseLong(run.value("first-position")) - 1);
        UserOutput.assertNoStackTrace(run);
        UserOutput.assertNoCommandFailed(run);

        final Map<Long, String> seen = new TreeMap<>();
        final List<String> events = Files.readAllLines(temp.resolve("events.txt"), StandardCharsets.UTF_8);
        assertTrue(events.stream().anyMatch((line) -> line.endsWith(" rejected reason=DUPLICATE cmd=withdraw src=5 seq=1")),
            "the engine's duplicate rejection names the command it refused (rejections.txt line 31)");
        for (final String line : events)
        {
            final Matcher matcher = REJECTED.matcher(line);
            if (matcher.find())
            {
                seen.put(Long.parseLong(matcher.group(1)), matcher.group(2));
            }
        }
        assertEquals(expected, seen, "rejections by position, from the events file\n" + run);
        // Each rejection names the instrument it was about: an instrument's or a place's symbol from the line; a
        // rejection for another account's order does not say where that order rests.
        final Map<Long, String> lines = commandsByPosition(Files.readAllLines(commands, StandardCharsets.UTF_8),
            Long.parseLong(run.value("first-position")) - 1);
        int named = 0;
        for (final String line : events)
        {
            final Matcher matcher = REJECTED.matcher(line);
            if (!matcher.find())
            {
                continue;
            }
            final String command = lines.get(Long.parseLong(matcher.group(1)));
            final Matcher symbol = SYMBOL.matcher(command);
            final boolean engines = Arrays.stream(RejectReason.values()).noneMatch((reason) ->
                reason.name().equals(matcher.group(2)));
            if ((command.startsWith("instrument ") || command.startsWith("place ")) && symbol.find() && !engines)
            {
                assertTrue(line.endsWith(" sym=" + symbol.group(1)), line + " names the symbol of: " + command);
                named++;
            }
            if ("NOT_OWNER".equals(matcher.group(2)))
            {
                assertFalse(line.contains(" sym="), line);
            }
        }
        assertTrue(named >= 10, "rejections of instruments and places checked: " + named);

        final Map<String, Long> counts = new TreeMap<>();
        expected.values().forEach((reason) -> counts.merge(reason, 1L, Long::sum));
        final List<String> summary = new ArrayList<>();
        counts.forEach((reason, count) -> summary.add(reason + "=" + count));
        assertEquals(String.join(" ", summary), run.value("rejected-by-reason"));
        assertEquals(String.valueOf(expected.size()), run.value("rejected"));
        // A reviewer's: nothing but the events file's positions said which commands were rejected, and past a blank line
        // or a comment a position is not its line. Each rejection is said on stderr with the line it came from.
        final List<String> fileLines = Files.readAllLines(commands, StandardCharsets.UTF_8);
        final List<String> said = new ArrayList<>();
        long position = Long.parseLong(run.value("first-position")) - 1;
        for (int i = 0; i < fileLines.size(); i++)
        {
            final String line = fileLines.get(i);
            if (!(line.contains("#") ? line.substring(0, line.indexOf('#')) : line).isBlank())
            {
                position++;
                final Matcher matcher = EXPECTED.matcher(line);
                if (matcher.find())
                {
                    said.add("line " + (i + 1) + ": rejected by the exchange: " + matcher.group(1) + " (position " +
                        position + ")");
                }
            }
        }
        assertEquals(said, run.err().lines().filter((line) -> line.contains(": rejected by the exchange: ")).toList());

        // The generic journal tool, replaying the same journal through the exchange, names the same reasons (it
        // counts them in code order): the state machine names its own (StateMachine.rejectionName).
        final Shell.Result replay = shell.run("scripts/journal replay -d " + temp.resolve("journal") +
            " --state-machine " + ExchangeStateMachine.class.getName(), Duration.ofMinutes(3))
            .expectOk();
        UserOutput.assertNoStackTrace(replay);
        assertEquals(new TreeSet<>(summary),
            new TreeSet<>(Arrays.asList(replay.value("rejected-by-reason").split(" "))), replay.toString());

        final Set<RejectReason> reached = EnumSet.noneOf(RejectReason.class);
        for (final String reason : expected.values())
        {
            for (final RejectReason known : RejectReason.values())
            {
                if (known.name().equals(reason))
                {
                    reached.add(known);
                }
            }
        }
        final Set<RejectReason> missing = EnumSet.complementOf(EnumSet.copyOf(NOT_FROM_A_FILE));
        missing.removeAll(reached);
        assertEquals(Set.of(), missing, "rejections.txt should reach every reason a command file can");
    }

    /** Each command line, without its comment, by position (blank lines and comments take none). */
    private static Map<Long, String> commandsByPosition(final List<String> lines, final long before)
    {
        final Map<Long, String> commands = new TreeMap<>();
        long position = before;
        for (final String line : lines)
        {
            final String command = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
            if (!command.isBlank())
            {
                commands.put(++position, command.strip());
            }
        }
        return commands;
    }

    /** Position of each command line whose comment names a reason (blank lines and comments take none). */
    private static Map<Long, String> expectedByPosition(final List<String> lines, final long before)
    {
        final Map<Long, String> expected = new TreeMap<>();
        long position = before;
        for (final String line : lines)
        {
            final String command = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
            if (command.isBlank())
            {
                continue;
            }
            position++;
            final Matcher matcher = EXPECTED.matcher(line);
            if (matcher.find())
            {
                expected.put(position, matcher.group(1));
            }
        }
        return expected;
    }
}
