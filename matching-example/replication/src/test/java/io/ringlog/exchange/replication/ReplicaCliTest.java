package io.ringlog.exchange.replication;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user gets wrong before a node answers, in process: endpoints a node cannot work with and a
 * role no node starts in are usage errors (exit code 2) that name the flag, with no stack trace,
 * before the node creates anything in its directory.
 */
class ReplicaCliTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:99999        | 127.0.0.1:20102 | --listen must be host:port with a port in 1..65535: '127.0.0.1:99999'",
        "127.0.0.1:20101        | 127.0.0.1       | --peer must be host:port with a port in 1..65535: '127.0.0.1'",
        "127.0.0.1:20101        | 127.0.0.1:20101 | --listen and --peer are the same, 127.0.0.1:20101: " +
            "this node would hear its own messages",
        "no-such-host.invalid:1 | 127.0.0.1:20102 | --listen names a host this machine cannot resolve: 'no-such-host.invalid'"})
    void shouldRefuseEndpointsThatCannotWorkBeforeCreatingAnything(final String listen, final String peer,
        final String expected)
    {
        final Path node = dir.resolve("node");
        final Said said = replica("node", "--role", "primary", "--dir", node.toString(), "--listen", listen, "--peer", peer);
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: " + expected), said.err);
        assertTrue(said.err.contains("Try 'replica node --help'"), said.err);
        assertNoStackTrace(said);
        assertEquals("", said.out);
        assertFalse(Files.exists(node), "nothing created");
    }

    /** FENCED and FAILED are states a node comes to, not roles to start it in: neither offered nor taken. */
    @ParameterizedTest
    @ValueSource(strings = {"fenced", "FAILED", "leader"})
    void shouldStartANodeOnlyAsAPrimaryOrAStandby(final String role)
    {
        final Path node = dir.resolve("node");
        final Said said = replica("node", "--role", role, "--dir", node.toString(), "--listen", "127.0.0.1:20101",
            "--peer", "127.0.0.1:20102");
        assertEquals(2, said.code, said.err);
        assertTrue(said.err.startsWith("error: Invalid value for option '--role': expected one of [PRIMARY, STANDBY] " +
            "(case-insensitive) but was '" + role + "'"), said.err);
        assertNoStackTrace(said);
        assertFalse(Files.exists(node), "nothing created");
        final Said help = replica("node", "--help");
        assertEquals(0, help.code, help.err);
        assertTrue(help.out.contains("--role=ROLE") && help.out.contains("primary or standby"), help.out);
        assertFalse(help.out.toLowerCase(java.util.Locale.ROOT).contains("fenced,") ||
            help.out.contains("FAILED"), help.out);
    }

    private record Said(int code, String out, String err)
    {
    }

    private static Said replica(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = ReplicaCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Said(code, out.toString(), err.toString());
    }

    private static void assertNoStackTrace(final Said said)
    {
        assertFalse(said.err.contains("\tat ") || said.err.contains("Exception"), said.err);
    }
}
