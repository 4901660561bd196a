package io.ringlog.outside;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every example session in the repository's READMEs, run as written: a fenced block whose lines
 * starting with {@code $ } are commands and whose other lines are what the commands print. Each
 * README runs in a directory of its own where {@code scripts/} is the repository's, so relative
 * paths like {@code run/journal} work as they would for a user in the repository's root.
 * <p>
 * What a session shows must appear on the command's stdout, in order (sessions are shortened, so
 * lines may be left out between shown ones); {@code ...} inside a shown line stands for any text
 * (timings, throughput). Every command must exit 0 and print no stack trace. So keys, reasons and
 * seeded hashes in the documents cannot drift from the code.
 */
class DocumentedSessionsIT
{
    private static final Duration PER_COMMAND = Duration.ofMinutes(3);
    /** Files the tools write (named in the documents as what a run leaves behind), not files of the repository. */
    private static final Set<String> WRITTEN_BY_TOOLS = Set.of("results.md");

    @TempDir
    static Path temp;

    /** One example session: its commands and what each printed, as the document shows them. */
    private record Session(Path file, int line, List<Step> steps)
    {
    }

    private record Step(int line, String command, List<String> shown)
    {
    }

    @TestFactory
    Stream<DynamicTest> shouldPrintWhatEachDocumentedSessionShows() throws IOException
    {
        final List<Session> sessions = new ArrayList<>();
        for (final Path readme : Repository.readmes())
        {
            sessions.addAll(sessions(readme));
        }
        assertTrue(sessions.size() >= 3, "expected example sessions in the READMEs, found " + sessions.size());
        final Path root = Repository.root();
        return sessions.stream().map((session) -> DynamicTest.dynamicTest(
            root.relativize(session.file()) + ":" + session.line(), () -> run(session)));
    }

    @Test
    void shouldRunTheReadmeTestCommandInCi() throws IOException
    {
        final String ci = Files.readString(Repository.root().resolve(".ci/run"));
        final String tests = ReadmeCommands.tests();
        assertTrue(ci.lines().anyMatch((line) -> line.strip().equals(tests)),
            ".ci/run must run the README's test command '" + tests + "'");
    }

    @Test
    void shouldPointOnlyToFilesThatExist() throws IOException
    {
        final Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
        final Pattern mention = Pattern.compile("(?<![\\w/.-])([\\w./-]+\\.md)\\b");
        final List<String> broken = new ArrayList<>();
        for (final Path readme : Repository.readmes())
        {
            final String text = Files.readString(readme);
            for (final Pattern pattern : List.of(link, mention))
            {
                final java.util.regex.Matcher matcher = pattern.matcher(text);
                while (matcher.find())
                {
                    final String target = matcher.group(1);
                    if (target.contains("://") || WRITTEN_BY_TOOLS.contains(target))
                    {
                        continue;
                    }
                    if (!Files.exists(readme.getParent().resolve(target)) && !Files.exists(Repository.root().resolve(target)))
                    {
                        broken.add(Repository.root().relativize(readme) + " -> " + target);
                    }
                }
            }
        }
        assertEquals(List.of(), broken, "documents point to files that do not exist");
    }

    private static void run(final Session session) throws Exception
    {
        // One directory per document: its sessions build on each other (generate, then run, then replay).
        final Path parent = temp.resolve(session.file().getParent().getFileName() + "-" +
            session.file().getFileName());
        final Path dir = Files.isDirectory(parent.resolve("session")) ? parent.resolve("session") :
            Repository.sessionDirectory(Files.createDirectories(parent));
        final Shell shell = new Shell(dir, Map.of("RINGLOG_NO_BUILD", "1"));
        for (final Step step : session.steps())
        {
            final Shell.Result result = shell.run("set -o pipefail; " + step.command(), PER_COMMAND);
            if (result.code() != 0)
            {
                fail(where(session, step) + ": exited with " + result.code() + "\n" + result);
            }
            UserOutput.assertNoStackTrace(result);
            assertShown(session, step, result);
        }
    }

    /** Each shown line matches a line of stdout, in order. */
    private static void assertShown(final Session session, final Step step, final Shell.Result result)
    {
        final String[] printed = result.out().split("\n", -1);
        int at = 0;
        for (final String shown : step.shown())
        {
            final Pattern pattern = pattern(shown);
            while (at < printed.length && !pattern.matcher(printed[at].stripTrailing()).matches())
            {
                at++;
            }
            if (at == printed.length)
            {
                fail(where(session, step) + ": the document shows\n    " + shown + "\nbut the command printed (in order, " +
                    "after the lines matched before it):\n" + result);
            }
            at++;
        }
    }

    private static Pattern pattern(final String shown)
    {
        final String[] parts = shown.stripTrailing().split(Pattern.quote("..."), -1);
        final StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++)
        {
            regex.append(i == 0 ? "" : ".*").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString());
    }

    private static String where(final Session session, final Step step)
    {
        return Repository.root().relativize(session.file()) + ":" + step.line() + " '" + step.command() + "'";
    }

    /** The sessions of one document: fenced blocks with {@code $ } lines. */
    private static List<Session> sessions(final Path file) throws IOException
    {
        final List<String> lines = Files.readAllLines(file);
        final List<Session> sessions = new ArrayList<>();
        List<Step> steps = null;
        int blockLine = 0;
        Step step = null;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            if (line.startsWith("```"))
            {
                if (steps == null)
                {
                    steps = new ArrayList<>();
                    blockLine = i + 1;
                }
                else
                {
                    if (!steps.isEmpty())
                    {
                        sessions.add(new Session(file, blockLine, steps));
                    }
                    steps = null;
                    step = null;
                }
                continue;
            }
            if (steps == null)
            {
                continue;
            }
            if (line.startsWith("$ "))
            {
                step = new Step(i + 1, line.substring(2), new ArrayList<>());
                steps.add(step);
            }
            else if (step != null && !line.isBlank())
            {
                step.shown().add(line);
            }
        }
        assertFalse(steps != null, file + " has an unclosed ``` block");
        assertEquals(sessions.size(), sessions.stream().filter((s) -> !s.steps().isEmpty()).count());
        return sessions;
    }
}
