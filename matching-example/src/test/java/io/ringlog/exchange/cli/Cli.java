package io.ringlog.exchange.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the exchange CLI in this JVM with captured output, as a script would see it. */
final class Cli
{
    private Cli()
    {
    }

    /** One invocation: exit code, stdout, stderr. */
    record Result(int code, String out, String err)
    {
        /** The value of the first {@code key: value} line on stdout; fails the test if there is none. */
        String value(final String key)
        {
            return find(key).orElseGet(() -> fail("no '" + key + ":' line in the output:\n" + this));
        }

        Optional<String> find(final String key)
        {
            final String prefix = key + ": ";
            return Arrays.stream(out.split("\n")).filter((line) -> line.startsWith(prefix))
                .map((line) -> line.substring(prefix.length())).findFirst();
        }

        long number(final String key)
        {
            final String value = value(key);
            final int space = value.indexOf(' ');
            return Long.parseLong(space < 0 ? value : value.substring(0, space));
        }

        Result expectOk()
        {
            if (code != 0)
            {
                fail("exit code " + code + "\n" + this);
            }
            return this;
        }

        @Override
        public String toString()
        {
            return "--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = ExchangeCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs and fails the test unless the exit code is 0. */
    static Result ok(final String... args)
    {
        return run(args).expectOk();
    }
}
