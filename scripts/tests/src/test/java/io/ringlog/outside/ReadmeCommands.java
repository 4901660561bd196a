package io.ringlog.outside;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** The two commands the README's table gives a new user, read from the README itself. */
final class ReadmeCommands
{
    private static final Pattern ROW = Pattern.compile("^\\| ([^|]+) \\| `([^`]+)` \\|$", Pattern.MULTILINE);

    private ReadmeCommands()
    {
    }

    /** The command in the README's "run the main job" row. */
    static String mainJob() throws IOException
    {
        return row("run the main job");
    }

    /** The command in the README's "run the tests" row. */
    static String tests() throws IOException
    {
        return row("run the tests");
    }

    private static String row(final String what) throws IOException
    {
        final Matcher matcher = ROW.matcher(Files.readString(Repository.root().resolve("README.md")));
        while (matcher.find())
        {
            if (matcher.group(1).strip().startsWith(what))
            {
                return matcher.group(2);
            }
        }
        return fail("README.md has no '| " + what + " | `command` |' row");
    }
}
