package io.ringlog.outside;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** What a user must never see in a command's output. */
final class UserOutput
{
    /** A Java stack frame, or a thrown exception or error named by its class. */
    private static final Pattern STACK_TRACE = Pattern.compile(
        "(?m)^\\s+at [\\w$.]+\\(.*\\)$|^Caused by: |^Exception in thread|\\b[\\w$.]+(Exception|Error)\\b[:\\s]");

    private UserOutput()
    {
    }

    /** Fails if the output holds a stack trace or an exception's class name. */
    static void assertNoStackTrace(final Shell.Result result)
    {
        final Matcher matcher = STACK_TRACE.matcher(result.all());
        if (matcher.find())
        {
            fail("'" + result.command() + "' shows a user an exception or stack trace ('" + matcher.group().strip() +
                "')\n" + result);
        }
    }

    /** Fails if any command failed inside the engine (a bug reported as COMMAND_FAILED). */
    static void assertNoCommandFailed(final Shell.Result result)
    {
        if (result.all().contains("COMMAND_FAILED"))
        {
            fail("'" + result.command() + "' reports COMMAND_FAILED: a state machine threw\n" + result);
        }
        final String failed = result.value("failed");
        if (!failed.equals("0"))
        {
            fail("'" + result.command() + "' reports failed: " + failed + "\n" + result);
        }
    }
}
