package io.ringlog.exchange.replication;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Endpoints a node cannot work with are a usage error (exit code 2) that names the flag and says what
 * is wrong, with no stack trace, before the node creates anything in its directory.
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
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Path node = dir.resolve("node");
        final int code = ReplicaCli.run(new PrintWriter(out), new PrintWriter(err), "node", "--role", "primary",
            "--dir", node.toString(), "--listen", listen, "--peer", peer);
        final String said = err.toString();
        assertEquals(2, code, said);
        assertTrue(said.startsWith("error: " + expected), said);
        assertTrue(said.contains("Try 'replica node --help'"), said);
        assertFalse(said.contains("\tat ") || said.contains("Exception"), said);
        assertEquals("", out.toString());
        assertFalse(Files.exists(node), "nothing created");
    }
}
