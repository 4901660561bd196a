package io.ringlog.exchange.replication;

import java.nio.file.Path;

/**
 * Where a node keeps everything, under one directory of its own:
 * <pre>
 *   NODE_DIR/journal       its Chronicle journal         NODE_DIR/inbox     publish requests and their results
 *   NODE_DIR/snapshots     its snapshots                 NODE_DIR/control   promote and stop requests
 *   NODE_DIR/replication   epoch index, status page      NODE_DIR/aeron     its media driver (unless --aeron-dir)
 *   NODE_DIR/node.lock     held by the node's process    NODE_DIR/node.pid  that process, while it serves requests
 * </pre>
 * (The last two are {@link NodeOwner}'s.)
 */
record NodeDirectory(Path root)
{
    Path journal()
    {
        return root.resolve("journal");
    }

    Path snapshots()
    {
        return root.resolve("snapshots");
    }

    Path replication()
    {
        return root.resolve("replication");
    }

    Path aeron()
    {
        return root.resolve("aeron");
    }

    Path inbox()
    {
        return root.resolve("inbox");
    }

    Path control()
    {
        return root.resolve("control");
    }

    /** How the last node to run here ended: its pid, exit code and last line (written as it exits). */
    Path ended()
    {
        return root.resolve("ended");
    }
}
