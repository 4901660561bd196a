package io.ringlog.core.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests to listen on, on loopback, chosen below the kernel's ephemeral range.
 * <p>
 * Why: a port the kernel gave out as ephemeral and took back (bind to port 0, read it, close) is free for the moment,
 * but the kernel may give it out again to the next socket that binds port 0 before the test's node binds it, and
 * replication makes several such sockets of its own (each Aeron publication binds an ephemeral port to send from):
 * the node then fails to start, the address in use. A port below the ephemeral range is never given out that way;
 * this one is also checked free for UDP and TCP on loopback when chosen.
 */
public final class LoopbackPorts
{
    private static final int LOWEST = 10_000;

    private LoopbackPorts()
    {
    }

    /** A free loopback port (UDP and TCP) below the ephemeral range where there is room, else an ephemeral one. */
    public static int free()
    {
        final int below = ephemeralLow();
        for (int tries = 0; below - LOWEST > 1_000 && tries < 200; tries++)
        {
            final int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (bindable(port))
            {
                return port;
            }
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("no free loopback port", ex);
        }
    }

    /** Two different free ports. */
    public static int[] freePair()
    {
        final int first = free();
        int second = free();
        while (second == first)
        {
            second = free();
        }
        return new int[] {first, second};
    }

    private static boolean bindable(final int port)
    {
        final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket udp = new DatagramSocket(address); ServerSocket tcp = new ServerSocket())
        {
            tcp.bind(address);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** The lowest ephemeral port (Linux's {@code ip_local_port_range}); 32768, its default, where it cannot be read. */
    private static int ephemeralLow()
    {
        try
        {
            // Read by lines: Files.readString of this file (size 0 to stat) gave "3" of "32768\t60999" here.
            final String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return 32_768;
        }
    }
}
