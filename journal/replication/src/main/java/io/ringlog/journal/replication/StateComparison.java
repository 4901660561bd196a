package io.ringlog.journal.replication;

import io.ringlog.core.StateChecks;
import org.agrona.collections.MutableLong;

/**
 * The pair's comparison of states, on the agent's thread. The journals of a pair agree entry for entry (each
 * checked by its checksum as it arrives); what they cannot show is two engines that applied the same entries
 * differently: code that differs between the nodes, or code that is not deterministic (a clock, randomness, a hash
 * map's iteration order, a command that throws on one node alone). So the primary sends each state hash its engine
 * took ({@link StateChecks}: every {@code stateCheckEvery} positions and at its snapshots) and the standby compares
 * it with its own at the same position once its engine has applied it there. A position one node took a hash at and
 * the other did not (a start past it, snapshots at other positions) is passed over.
 * <p>
 * A difference is said once, kept on the status page, told to the primary, and refuses a promotion that is not
 * forced: the standby goes on journaling what the primary sends, so nothing is lost, but its state is not the
 * primary's.
 */
final class StateComparison
{
    private static final int QUEUED = 64;

    private final StateChecks checks;
    private final StatusFile status;
    private final MutableLong found = new MutableLong();
    /** Primary: the newest position sent. */
    private long sentUpTo;
    /** Standby: the primary's checks this node has not applied up to yet, oldest first. */
    private final long[] queuedPositions = new long[QUEUED];
    private final long[] queuedHashes = new long[QUEUED];
    private int head;
    private int size;
    private long receivedUpTo;
    private long equalAt;
    private long equalCount;
    private long differsAt;
    private long hashHere;
    private long hashPeer;
    /** Primary: the position a standby last said it differs at, so it is said once. */
    private long peerDiffersSaid;

    StateComparison(final StateChecks checks, final StatusFile status)
    {
        this.checks = checks;
        this.status = status;
    }

    /** Primary: the next check after those sent, its hash into {@code hash}; 0 if none is new. */
    long nextToSend(final MutableLong hash)
    {
        final long next = checks.nextAfter(sentUpTo, hash);
        if (next != 0)
        {
            sentUpTo = next;
        }
        return next;
    }

    /** Standby: the primary's hash at {@code position}; a difference found now is returned (once), else null. */
    String primaryCheck(final long position, final long hash)
    {
        if (position <= receivedUpTo)
        {
            return null;
        }
        receivedUpTo = position;
        if (size == QUEUED)
        {
            // This node is far behind the primary: the oldest check waiting is given up.
            head = (head + 1) % QUEUED;
            size--;
        }
        final int tail = (head + size) % QUEUED;
        queuedPositions[tail] = position;
        queuedHashes[tail] = hash;
        size++;
        return compare();
    }

    /** Standby: compares the primary's checks this node has applied up to now; a difference found is returned (once). */
    String compare()
    {
        while (size > 0 && differsAt == 0)
        {
            final long position = queuedPositions[head];
            final long theirs = queuedHashes[head];
            if (checks.hashAt(position, found))
            {
                pop();
                if (found.get() == theirs)
                {
                    equalAt = position;
                    equalCount++;
                    status.put(StatusFile.STATE_EQUAL_AT, equalAt);
                    status.put(StatusFile.STATE_EQUAL_COUNT, equalCount);
                    continue;
                }
                return differ(position, found.get(), theirs);
            }
            if (checks.latestPosition() < position)
            {
                return null;
            }
            // Applied past it without a hash there: nothing to compare with.
            pop();
        }
        return null;
    }

    private void pop()
    {
        head = (head + 1) % QUEUED;
        size--;
    }

    private String differ(final long position, final long here, final long peer)
    {
        differsAt = position;
        hashHere = here;
        hashPeer = peer;
        status.put(StatusFile.STATE_HASH_HERE, here);
        status.put(StatusFile.STATE_HASH_PEER, peer);
        status.put(StatusFile.STATE_DIFFERS_AT, position);
        final String message = "STATE DIFFERS from the primary's at position " + position + ": this node's state hash " +
            "there is " + hex(here) + ", the primary's " + hex(peer) + " (" + (equalAt == 0 ?
            "no earlier position was compared" : "equal at position " + equalAt + ", the last compared before it") +
            "). The journals agree entry for entry, so the two engines applied the same commands differently: code " +
            "that differs between the nodes (run the same build on both), or code that is not deterministic (a clock, " +
            "randomness, a hash map's iteration order, a command that throws on one node alone). This node goes on " +
            "journaling what the primary sends, so no command is lost, but its state is not the primary's: a promotion " +
            "of it is refused unless forced. To find which state is right, replay either journal up to position " +
            position + " with the code you trust and see whose hash it reaches. To mend this node: stop it, move away " +
            "its snapshots after position " + equalAt + ", and start it again with that code: it replays its journal";
        status.message(message);
        return message;
    }

    /** Primary: a standby said its state differs; the line to say, once, or null. */
    String peerDiffers(final long position, final long standbyHash, final long primaryHash)
    {
        if (position == peerDiffersSaid)
        {
            return null;
        }
        peerDiffersSaid = position;
        differsAt = position;
        hashHere = primaryHash;
        hashPeer = standbyHash;
        status.put(StatusFile.STATE_HASH_HERE, primaryHash);
        status.put(StatusFile.STATE_HASH_PEER, standbyHash);
        status.put(StatusFile.STATE_DIFFERS_AT, position);
        return "THE STANDBY'S STATE DIFFERS from this node's at position " + position + ": its state hash there is " +
            hex(standbyHash) + ", this node's " + hex(primaryHash) + ". The journals agree, " +
            "so the two engines applied the same commands differently (code that differs between the nodes, or is not " +
            "deterministic); the standby goes on following, and refuses a promotion unless forced. Its own log says " +
            "what to do";
    }

    /** A state hash as the status page and the exchange's tools print it: 16 hex digits. */
    static String hex(final long hash)
    {
        return String.format(java.util.Locale.ROOT, "%016x", hash);
    }

    /** The first position the states were found to differ at, 0 if none. */
    long differsAt()
    {
        return differsAt;
    }

    /** The last position the states were compared at and found equal, 0 if none. */
    long equalAt()
    {
        return equalAt;
    }

    long hashHere()
    {
        return hashHere;
    }

    long hashPeer()
    {
        return hashPeer;
    }
}
