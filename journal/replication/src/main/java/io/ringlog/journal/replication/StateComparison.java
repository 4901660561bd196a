package io.ringlog.journal.replication;

import io.ringlog.core.StateChecks;
import org.agrona.collections.MutableLong;

/**
 * The pair's comparison of states, on the agent's thread. The journals of a pair agree entry for entry (each
 * checked by its checksum as it arrives); what they cannot show is two engines that applied the same entries
 * differently: code that differs between the nodes, or code that is not deterministic (a clock, randomness, a hash
 * map's iteration order, a command that throws on one node alone). So the primary sends each state hash its engine
 * took ({@link StateChecks}: every {@code stateCheckEvery} positions and at its snapshots) and the standby compares
 * it with its own at the same position once its engine has applied it there, and answers with the outcome. A
 * position one node took a hash at and the other did not (a start past it, snapshots at other positions) is passed
 * over.
 * <p>
 * A difference is said once on each node and kept on both status pages, also across restarts (a reviewer restarted
 * a standby that differed, with the same code, and it showed "not compared yet" and was promoted), until a later
 * comparison comes back equal. A standby whose own state differed refuses a promotion that is not forced; it goes on
 * journaling what the primary sends, so nothing is lost.
 */
final class StateComparison
{
    /** Who found the difference kept on the page: this node, of its own state against its primary's. */
    static final long FOUND_HERE = 1;
    /** Its standby, of the standby's state against this node's. */
    static final long FOUND_BY_STANDBY = 2;

    private static final int QUEUED = 64;

    private final StateChecks checks;
    private final StatusFile status;
    private final MutableLong found = new MutableLong();
    /** Primary: the newest position sent. */
    private long sentUpTo;
    /** Primary: the check sent again last, walking the kept ones newest first (0: start again from the newest). */
    private long resentDownTo;
    /** Standby: the primary's checks this node has not applied up to yet, oldest first. */
    private final long[] queuedPositions = new long[QUEUED];
    private final long[] queuedHashes = new long[QUEUED];
    private int head;
    private int size;
    private long receivedUpTo;
    /** Standby: its last equal comparison; primary: its standby's, as the standby said. */
    private long equalAt;
    private long equalCount;
    private long differsAt;
    private long hashHere;
    private long hashPeer;
    private long foundBy;
    /** The last position compared equal before the difference, kept with it (0: none). */
    private long equalBefore;
    /** The difference kept was found by an earlier process of this node. */
    private boolean carried;
    /** This process found a difference of its own: it compares no more (the next start compares again). */
    private boolean foundNow;
    /** Where this process found again the difference an earlier one found (0: it did not). */
    private long foundAgainAt;

    StateComparison(final StatusFile status, final StateChecks checks)
    {
        this.checks = checks;
        this.status = status;
        differsAt = status.get(StatusFile.STATE_DIFFERS_AT);
        if (differsAt != 0)
        {
            hashHere = status.get(StatusFile.STATE_HASH_HERE);
            hashPeer = status.get(StatusFile.STATE_HASH_PEER);
            foundBy = status.get(StatusFile.STATE_DIFFERS_FOUND);
            equalBefore = status.get(StatusFile.STATE_EQUAL_BEFORE);
            carried = true;
            status.put(StatusFile.STATE_DIFFERS_CARRIED, 1);
        }
    }

    /** Primary: the next check after those sent, its hash into {@code hash}; 0 if none is new. */
    long nextToSend(final MutableLong hash)
    {
        return checks.nextAfter(sentUpTo, hash);
    }

    /** Primary: the check at {@code position} went out. */
    void sent(final long position)
    {
        sentUpTo = position;
    }

    /** Primary: the newest check, its hash into {@code hash}; 0 if none is kept. */
    long newest(final MutableLong hash)
    {
        final long newest = checks.latestPosition();
        return newest > 0 && checks.hashAt(newest, hash) ? newest : 0;
    }

    /**
     * Primary: the next older check to send again, its hash into {@code hash}; 0 once through them all (the next call
     * starts again below the newest). A standby started again holds hashes from its replay at the positions it takes
     * them; where those are not the newest's (another --snapshot-every, or its snapshot at the newest moved away) it
     * compares one of these instead (a reviewer's finding: "not compared yet" for good on an idle pair).
     */
    long olderToResend(final MutableLong hash)
    {
        final long below = resentDownTo == 0 ? checks.latestPosition() : resentDownTo;
        resentDownTo = below == 0 ? 0 : checks.newestBefore(below, hash);
        return resentDownTo;
    }

    /** Standby: the primary's hash at {@code position}; what to say of it now (a difference, or one mended), or null. */
    String primaryCheck(final long position, final long hash)
    {
        if (position <= receivedUpTo)
        {
            // One the primary sends again (olderToResend): compared if this node applied it and has not compared later.
            return late(position, hash);
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

    /** Standby: compares the primary's checks this node has applied up to now; what to say, or null. */
    String compare()
    {
        while (size > 0 && !foundNow)
        {
            final long position = queuedPositions[head];
            final long theirs = queuedHashes[head];
            if (position <= equalAt)
            {
                // Compared already, sent again (late).
                pop();
                continue;
            }
            if (checks.hashAt(position, found))
            {
                pop();
                if (found.get() != theirs)
                {
                    return differ(position, found.get(), theirs);
                }
                final String mended = equal(position);
                if (mended != null)
                {
                    return mended;
                }
                continue;
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

    /** Standby: a check of the primary's older than one received before: compared now, if this node has a hash there. */
    private String late(final long position, final long hash)
    {
        if (foundNow || position <= equalAt || !checks.hashAt(position, found))
        {
            return null;
        }
        return found.get() != hash ? differ(position, found.get(), hash) : equal(position);
    }

    /** Standby: its state equal to the primary's at {@code position}; what to say of it (a difference mended), or null. */
    private String equal(final long position)
    {
        equalAt = position;
        equalCount++;
        status.put(StatusFile.STATE_EQUAL_AT, equalAt);
        status.put(StatusFile.STATE_EQUAL_COUNT, equalCount);
        // At the difference's own position too: a standby mended and started again compares at the primary's newest
        // check, which may be where the difference was found, the pair idle since.
        if (differsAt != 0 && position >= differsAt)
        {
            return mended("STATE EQUAL to the primary's at position " + position + ": the difference at position " +
                differsAt + " that " + (carried ? "an earlier process of this node" : "this node") + " found is gone");
        }
        return null;
    }

    private void pop()
    {
        head = (head + 1) % QUEUED;
        size--;
    }

    private String mended(final String line)
    {
        differsAt = 0;
        foundBy = 0;
        carried = false;
        status.put(StatusFile.STATE_DIFFERS_AT, 0);
        status.put(StatusFile.STATE_DIFFERS_FOUND, 0);
        status.put(StatusFile.STATE_DIFFERS_CARRIED, 0);
        return line;
    }

    private void keep(final long position, final long here, final long peer, final long by)
    {
        differsAt = position;
        hashHere = here;
        hashPeer = peer;
        foundBy = by;
        carried = false;
        equalBefore = by == FOUND_HERE ? equalAt : 0;
        status.put(StatusFile.STATE_EQUAL_BEFORE, equalBefore);
        status.put(StatusFile.STATE_HASH_HERE, here);
        status.put(StatusFile.STATE_HASH_PEER, peer);
        status.put(StatusFile.STATE_DIFFERS_FOUND, by);
        status.put(StatusFile.STATE_DIFFERS_CARRIED, 0);
        status.put(StatusFile.STATE_DIFFERS_AT, position);
    }

    private String differ(final long position, final long here, final long peer)
    {
        foundNow = true;
        // A difference an earlier process of this node found, found again (started with the same code: it replays to the
        // same state, and compares within a heartbeat): the earlier one is kept, the first known, and with it the last
        // position compared equal before it, whose snapshots are whole.
        final boolean again = differsAt != 0 && foundBy == FOUND_HERE && carried && differsAt <= position;
        final long since;
        if (again)
        {
            since = equalBefore;
            carried = false;
            foundAgainAt = position;
            status.put(StatusFile.STATE_DIFFERS_CARRIED, 0);
        }
        else
        {
            since = equalAt;
            keep(position, here, peer, FOUND_HERE);
        }
        final String message = "STATE DIFFERS from the primary's at position " + position + ": this node's state hash " +
            "there is " + hex(here) + ", the primary's " + hex(peer) + " (" + (again ? "still: an earlier process of this " +
            "node found it differing at position " + differsAt + (since == 0 ? "" : ", equal at position " + since +
            " before it") : equalAt == 0 ? "no earlier position was compared since this node started" : "equal at " +
            "position " + equalAt + ", the last compared before it") + "). The journals agree entry for entry, so the " +
            "two engines applied the same commands differently: code that differs between the nodes (run the same " +
            "build on both), or code that is not deterministic (a clock, randomness, a hash map's iteration order, a " +
            "command that throws on one node alone). This node goes on journaling what the primary sends, so no command " +
            "is lost, but its state is not the primary's: a promotion of it is refused unless forced, also after a " +
            "restart, until a comparison comes back equal. To find which state is right, replay either journal up to " +
            "position " + (again ? differsAt : position) + " with the code you trust and see whose hash it reaches. " +
            "To mend this node: stop it, move away " + (since == 0 ? "all its snapshots" : "its snapshots after " +
            "position " + since) + ", and start it again with that code: it replays " +
            "its journal, and the next comparison says so";
        status.message(message);
        return message;
    }

    /** Primary: its standby said its state differs; the line to say, once, or null. */
    String standbyDiffers(final long position, final long standbyHash, final long primaryHash)
    {
        if (position == differsAt && foundBy == FOUND_BY_STANDBY)
        {
            return null;
        }
        keep(position, primaryHash, standbyHash, FOUND_BY_STANDBY);
        final String message = "THE STANDBY'S STATE DIFFERS from this node's at position " + position + ": its state " +
            "hash there is " + hex(standbyHash) + ", this node's " + hex(primaryHash) + ". The journals agree, so the two " +
            "engines applied the same commands differently (code that differs between the nodes, or is not " +
            "deterministic); the standby goes on following, and refuses a promotion unless forced. Its own log says " +
            "what to do; this page shows it until the standby says a later comparison is equal";
        status.message(message);
        return message;
    }

    /** Primary: its standby compared a state hash of this node's and found it equal; what to say, or null. */
    String standbyEqual(final long position)
    {
        // Also at or below the last equal one where it clears a difference kept there: a standby started again compares
        // at the primary's newest check, which this node may have heard equal, then differing (a bad build), then equal
        // once more (a reviewer's finding: the page said DIFFERS for good on an idle pair).
        if (position <= equalAt && (differsAt == 0 || position < differsAt))
        {
            return null;
        }
        equalAt = Math.max(equalAt, position);
        equalCount++;
        status.put(StatusFile.STATE_EQUAL_AT, equalAt);
        status.put(StatusFile.STATE_EQUAL_COUNT, equalCount);
        if (differsAt == 0 || position < differsAt)
        {
            return null;
        }
        return mended("the standby's state is EQUAL to this node's at position " + position + ": the difference at " +
            "position " + differsAt + (foundBy == FOUND_HERE ? ", where this node's state differed from the primary it " +
            "followed then," : "") + " that " + (carried ? "an earlier process of this node" : "this node") + " was told " +
            "of is gone from this pair");
    }

    /** A state hash as the status page and the exchange's tools print it: 16 hex digits. */
    static String hex(final long hash)
    {
        return String.format(java.util.Locale.ROOT, "%016x", hash);
    }

    /** The position the kept difference was found at, 0 if none is kept. */
    long differsAt()
    {
        return differsAt;
    }

    /** Whether this node's own state was found to differ from its primary's (refuses a promotion that is not forced). */
    boolean differsHere()
    {
        return differsAt != 0 && foundBy == FOUND_HERE;
    }

    /** Whether the difference kept was found by an earlier process of this node. */
    boolean carried()
    {
        return carried;
    }

    /** Where this process found again the difference an earlier one found and it keeps; 0 if it did not. */
    long foundAgainAt()
    {
        return foundAgainAt;
    }

    /** The last position compared equal before the difference kept (0: none, or not known): its snapshots are whole. */
    long equalBefore()
    {
        return equalBefore;
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
