package io.ringlog.journal.replication;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's replication figures at one moment, as its status file ({@value StatusFile#FILE_NAME})
 * held them: readable from the node's own process ({@link ReplicationNode#status()}) or any other
 * ({@link #read(Path)}), also after the node died.
 *
 * @param role                what the node was doing.
 * @param epoch               its epoch; {@code epochStart} the position that epoch began at.
 * @param peer                what it knew of its peer.
 * @param mode                "asynchronous", "synchronous", or "degraded" (synchronous, standby lost, not waiting).
 * @param peerMode            the mode the peer was started with, "asynchronous" or "synchronous", as its heartbeats
 *                            say; null when not known (not heard from, or a node of an older version).
 * @param journaledPosition   a primary's last journaled position; a standby's last committed one.
 * @param acknowledgedPosition a primary: the highest position its standby acknowledged; a standby: the highest it acknowledged.
 * @param lagPositions        journaled minus acknowledged (a standby: its primary's last reported position minus its own).
 * @param lagNanos            a primary: age of the oldest batch shipped and not yet acknowledged; 0 when none is
 *                            (also when positions await acknowledgement but were never shipped).
 * @param catchUpFrom         the position the current (or last) catch-up started at, 0 if none ran;
 *                            {@code catchUpSent} how far it got, {@code catchUpTarget} where the journal ended meanwhile.
 * @param ackLatencyP50Nanos  acknowledgement round trip (shipped to acknowledged), median; also p99 and max.
 * @param acknowledgements    acknowledgements received (primary) or sent (standby).
 * @param backPressured       sends that met Aeron back-pressure (a slow standby), retried, never dropped.
 * @param notConnected        sends that found no standby connected: left to catch-up from the journal.
 * @param catchUps            catch-up sessions served (primary) or asked for (standby).
 * @param peerHeardMillis     when the peer was last heard from, epoch ms (0: never).
 * @param peerEpoch           the peer's epoch as last heard; {@code peerPosition} its last reported position.
 * @param degradations        times a synchronous primary stopped waiting for a lost standby.
 * @param updatedMillis       when the node last wrote its status, epoch ms.
 * @param pid                 the node's process id.
 * @param message             the latest failure or notice in words, empty if none.
 * @param stateEqualAt        a standby: the last position its state hash was compared with the primary's and found
 *                            equal (0: none yet); {@code stateEqualCount} how many times.
 * @param stateDiffersAt      the position the pair's state hashes were found to differ at (0: none), kept across
 *                            this node's restarts until a later comparison comes back equal; {@code stateHashHere}
 *                            this node's hash there, {@code stateHashPeer} the peer's.
 * @param stateDiffersFound   who found it: 1 this node, its state against its primary's; 2 its standby, the
 *                            standby's against this node's; {@code stateDiffersCarried} whether an earlier process
 *                            of this node did.
 */
public record ReplicationStatus(
    Role role,
    long epoch,
    long epochStart,
    PeerState peer,
    String mode,
    String peerMode,
    long journaledPosition,
    long acknowledgedPosition,
    long lagPositions,
    long lagNanos,
    long catchUpFrom,
    long catchUpSent,
    long catchUpTarget,
    long ackLatencyP50Nanos,
    long ackLatencyP99Nanos,
    long ackLatencyMaxNanos,
    long acknowledgements,
    long backPressured,
    long notConnected,
    long catchUps,
    long peerHeardMillis,
    long peerEpoch,
    long peerPosition,
    long degradations,
    long updatedMillis,
    long pid,
    String message,
    long stateEqualAt,
    long stateEqualCount,
    long stateDiffersAt,
    long stateHashHere,
    long stateHashPeer,
    long stateDiffersFound,
    boolean stateDiffersCarried)
{
    /** What {@link #mode()} says of a synchronous primary that stopped waiting for its lost standby. */
    public static final String DEGRADED = "degraded";

    /** Whether this is a synchronous primary that stopped waiting for its lost standby. */
    public boolean degraded()
    {
        return DEGRADED.equals(mode);
    }

    /**
     * Reads the status a node keeps in {@code directory} (its {@link ReplicationContext#directory()}).
     *
     * @throws ReplicationException if there is none, or the file is not a status file.
     */
    public static ReplicationStatus read(final Path directory)
    {
        final UnsafeBuffer page = StatusFile.readPage(directory);
        if (page == null)
        {
            throw new ReplicationException("no replication status in " + directory + " (no " + StatusFile.FILE_NAME +
                "): is it a node's directory, and has the node started?");
        }
        return of(page);
    }

    /**
     * The last position whose events the node in {@code directory} said it had shown as a primary
     * ({@link ReplicationContext#shownPosition}), as its status page kept it; -1 when the page does not say
     * (no page, a node without it, or one that never was a primary). Read it before the node starts again.
     */
    public static long shownPosition(final Path directory)
    {
        final UnsafeBuffer page = StatusFile.readPage(directory);
        return page == null ? -1 : page.getLongVolatile(StatusFile.SHOWN_PLUS_ONE) - 1;
    }

    /**
     * The role of the last run of the node in {@code directory} that changed its journal, or ended without failing,
     * as its status page kept it: {@link Role#PRIMARY} or {@link Role#FENCED} where the journal may end in entries
     * it wrote as a primary; null when the page does not say (no page, or none of its runs did). A run refused at
     * its start (a standby exiting as diverged, say) does not count. Read it before the node starts again.
     */
    public static Role lastRole(final Path directory)
    {
        final UnsafeBuffer page = StatusFile.readPage(directory);
        if (page == null)
        {
            return null;
        }
        final long role = StatusFile.roleSet(page) ? page.getLongVolatile(StatusFile.ROLE) : -1;
        final long last = role >= 0 && role < Role.values().length && role != Role.FAILED.ordinal() ? role :
            page.getLongVolatile(StatusFile.LAST_ROLE_PLUS_ONE) - 1;
        return last >= 0 && last < Role.values().length && last != Role.FAILED.ordinal() ? Role.values()[(int)last] : null;
    }

    static ReplicationStatus of(final UnsafeBuffer page)
    {
        final long mode = page.getLongVolatile(StatusFile.MODE);
        final long peerMode = page.getLongVolatile(StatusFile.PEER_MODE_PLUS_ONE);
        final Role role = enumAt(Role.values(), page.getLongVolatile(StatusFile.ROLE));
        final long journaled = page.getLongVolatile(StatusFile.JOURNALED);
        final long acknowledged = page.getLongVolatile(StatusFile.ACKNOWLEDGED);
        final long peerPosition = page.getLongVolatile(StatusFile.PEER_POSITION);
        // Worked out from the positions shown beside it: the page's own lag is written every 10 ms, the
        // acknowledged position at each acknowledgement, and a lag older than them would contradict them.
        final long lag = role == Role.PRIMARY || role == Role.FENCED ? Math.max(0, journaled - acknowledged) :
            role == Role.STANDBY ? Math.max(0, peerPosition - journaled) : page.getLongVolatile(StatusFile.LAG_POSITIONS);
        return new ReplicationStatus(
            role,
            page.getLongVolatile(StatusFile.EPOCH),
            page.getLongVolatile(StatusFile.EPOCH_START),
            enumAt(PeerState.values(), page.getLongVolatile(StatusFile.PEER_STATE)),
            mode == StatusFile.MODE_SYNC ? "synchronous" : mode == StatusFile.MODE_DEGRADED ? DEGRADED : "asynchronous",
            peerMode == 0 ? null : peerMode - 1 == StatusFile.MODE_SYNC ? "synchronous" : "asynchronous",
            journaled,
            acknowledged,
            lag,
            page.getLongVolatile(StatusFile.LAG_NANOS),
            page.getLongVolatile(StatusFile.CATCH_UP_FROM),
            page.getLongVolatile(StatusFile.CATCH_UP_SENT),
            page.getLongVolatile(StatusFile.CATCH_UP_TARGET),
            page.getLongVolatile(StatusFile.ACK_P50),
            page.getLongVolatile(StatusFile.ACK_P99),
            page.getLongVolatile(StatusFile.ACK_MAX),
            page.getLongVolatile(StatusFile.ACKS),
            page.getLongVolatile(StatusFile.BACK_PRESSURED),
            page.getLongVolatile(StatusFile.NOT_CONNECTED),
            page.getLongVolatile(StatusFile.CATCH_UPS),
            page.getLongVolatile(StatusFile.PEER_HEARD),
            page.getLongVolatile(StatusFile.PEER_EPOCH),
            peerPosition,
            page.getLongVolatile(StatusFile.DEGRADED_COUNT),
            page.getLongVolatile(StatusFile.UPDATED),
            page.getLongVolatile(StatusFile.PID),
            StatusFile.message(page),
            page.getLongVolatile(StatusFile.STATE_EQUAL_AT),
            page.getLongVolatile(StatusFile.STATE_EQUAL_COUNT),
            page.getLongVolatile(StatusFile.STATE_DIFFERS_AT),
            page.getLongVolatile(StatusFile.STATE_HASH_HERE),
            page.getLongVolatile(StatusFile.STATE_HASH_PEER),
            page.getLongVolatile(StatusFile.STATE_DIFFERS_FOUND),
            page.getLongVolatile(StatusFile.STATE_DIFFERS_CARRIED) != 0);
    }

    private static <E extends Enum<E>> E enumAt(final E[] values, final long ordinal)
    {
        return values[(int)Math.max(0, Math.min(values.length - 1, ordinal))];
    }

    /**
     * The age of the oldest shipped and unacknowledged batch, or why there is none to give: positions
     * not yet acknowledged that were never shipped (no standby connected) have no send time.
     */
    private String lagMillis()
    {
        if (role == Role.STANDBY)
        {
            return "- (a primary's figure)";
        }
        if (lagNanos > 0 || lagPositions == 0)
        {
            return String.format(java.util.Locale.ROOT, "%.3f", lagNanos / 1e6);
        }
        return "- (none of the " + lagPositions + " unacknowledged positions is out to the standby" +
            (peer == PeerState.CONNECTED ? " yet)" : ": it is not connected; they go to it by catch-up when it is)");
    }

    /** Whether the pair's states were found to differ (see {@link #stateDiffersAt()}). */
    public boolean stateDiffers()
    {
        return stateDiffersAt != 0;
    }

    private String stateLine()
    {
        if (stateDiffersAt != 0)
        {
            final String hashes = " (state hash " + StateComparison.hex(stateHashHere) + " here, " +
                StateComparison.hex(stateHashPeer) + " there; the journals agree)";
            final String earlier = stateDiffersCarried ? "; found by an earlier process of this node, and shown until " +
                "a comparison comes back equal" : "";
            if (stateDiffersFound == StateComparison.FOUND_BY_STANDBY)
            {
                return "DIFFERS: the standby's state differed from this node's at position " + stateDiffersAt + hashes +
                    earlier + "; the standby's log (STATE DIFFERS) says what to do";
            }
            return "DIFFERS: this node's state differed from its primary's at position " + stateDiffersAt + hashes +
                (role == Role.PRIMARY || role == Role.FENCED ? ", before it was promoted" : "") + earlier +
                "; this node's log (STATE DIFFERS) says what to do";
        }
        if (role == Role.STANDBY)
        {
            return stateEqualAt == 0 ? "not compared yet (the pair compares state hashes every --state-check-every " +
                "positions and at snapshots, once this node has applied the position, in its replay at a start too)" :
                "equal to the " +
                "primary's at position " + stateEqualAt + ", the last compared (" + stateEqualCount + " compared since " +
                "it started)";
        }
        return stateEqualAt == 0 ? "not compared by a standby yet (a standby compares its state with this node's " +
            "every --state-check-every positions, and says when they differ)" : "the standby's equal to this node's at " +
            "position " + stateEqualAt + ", the last it compared";
    }

    /** The figures as {@code key: value} pairs, in a stable order, for the {@code status} command. */
    public Map<String, String> fields()
    {
        final Map<String, String> fields = new LinkedHashMap<>();
        fields.put("role", role.name().toLowerCase(java.util.Locale.ROOT));
        fields.put("epoch", epoch + " (from position " + epochStart + ")");
        fields.put("mode", mode + (peerMode == null || peerMode.equals(DEGRADED.equals(mode) ? "synchronous" : mode) ?
            "" : " (the " + (role == Role.STANDBY ? "primary" : "standby") + " was started " + peerMode + ": " +
            (role == Role.STANDBY ? "the primary's mode decides, this node's applies once it is promoted" :
            "this node's mode decides, the standby's applies once it is promoted") + "; give both the same mode)"));
        fields.put("peer", peer.name().toLowerCase(java.util.Locale.ROOT) + (peerHeardMillis > 0 ?
            " (last heard " + Instant.ofEpochMilli(peerHeardMillis) + ", epoch " + peerEpoch + ", position " +
                peerPosition + ")" : ""));
        fields.put(role == Role.STANDBY ? "committed-position" : "journaled-position", Long.toString(journaledPosition));
        fields.put("acknowledged-position", Long.toString(acknowledgedPosition));
        fields.put("lag-positions", Long.toString(lagPositions));
        fields.put("lag-ms", lagMillis());
        if (role == Role.STANDBY)
        {
            if (catchUpFrom > 0)
            {
                fields.put("catch-up", "last asked from position " + catchUpFrom);
            }
        }
        else
        {
            if (catchUpFrom > 0)
            {
                fields.put("catch-up", "last from position " + catchUpFrom + ", sent up to " + catchUpSent +
                    " (the journal ended at " + catchUpTarget + " when it began)");
            }
            // Every timed acknowledgement takes some time: a maximum of 0 means none was timed, not that they were instant.
            fields.put("ack-latency-us", ackLatencyMaxNanos == 0 ? "- (none timed yet: only batches shipped live are, " +
                "from their send to the standby's acknowledgement; what catch-up sends is not)" :
                String.format(java.util.Locale.ROOT, "p50 %.1f, p99 %.1f, max %.1f",
                ackLatencyP50Nanos / 1e3, ackLatencyP99Nanos / 1e3, ackLatencyMaxNanos / 1e3));
        }
        fields.put("acknowledgements", Long.toString(acknowledgements));
        fields.put("back-pressured-sends", Long.toString(backPressured));
        fields.put("not-connected-sends", Long.toString(notConnected));
        fields.put("catch-ups", Long.toString(catchUps));
        fields.put("degradations", Long.toString(degradations));
        fields.put("state", stateLine());
        fields.put("updated", updatedMillis > 0 ? Instant.ofEpochMilli(updatedMillis).toString() : "never");
        fields.put("pid", Long.toString(pid));
        if (!message.isEmpty())
        {
            fields.put("message", message);
        }
        return fields;
    }
}
