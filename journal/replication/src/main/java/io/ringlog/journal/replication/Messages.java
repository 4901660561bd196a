package io.ringlog.journal.replication;

import io.ringlog.core.JournalId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The replication protocol's messages, little-endian. Every message starts with the same 24-byte
 * header: its type, the sender's epoch (so a stale primary is recognised by any message it sends)
 * and the catch-up session it belongs to (so data a standby no longer expects is told from data it
 * does). Every message but ENTRY then carries the sender's history: its journal's identity
 * ({@link JournalId}), or zeros while its journal holds no entry. The two nodes of a pair hold one
 * history under one identity (a standby's empty journal takes on its primary's before its first
 * entry), so a node of another pair, reached through a wrong {@code --peer}, is told from the peer:
 * its messages neither fence a primary nor start a catch-up that would cut or mix journals.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          type (4)             |       protocol version (4)    |  0
 *  +-------------------------------+-------------------------------+
 *  |                        sender's epoch (8)                     |  8
 *  +---------------------------------------------------------------+
 *  |                          session (8)                          | 16
 *  +---------------------------------------------------------------+
 *  |        sender's history: journal id, or zeros (16)            | 24   (all but ENTRY)
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          body ...                             | 40   (ENTRY: 24)
 *
 *  type              stream     body
 *  ENTRY         1   log,       one journal entry exactly as CommandCodec writes it: 64-byte header
 *                    catch-up   with position and CRC32C, then the payload
 *  CATCH_UP_DONE 2   catch-up   last position the catch-up stream sends (8): the live stream goes on after it
 *  REQUEST      10   control    standby: from position (8), CRC32C of its entry before it or -1 (8)
 *  ACK          11   control    standby: highest position its journal has committed (8)
 *  HEARTBEAT    12   control    role (8), the sender's last journaled position (8), its epoch's first position (8),
 *                               a primary's last shown position or -1 (8; absent from older senders), the
 *                               sender's configured mode, 0 asynchronous, 1 synchronous (8; absent from older senders)
 *  FENCED       13   control    to a sender of an older epoch: the first position of the newer epoch (8)
 *  DIVERGED     14   control    primary: keep up to position (8); CRC32C of the primary's entry there (8)
 *  REFUSED      15   control    primary: reason (8; 5 ANOTHER_HISTORY: the standby's journal is another one),
 *                               position (8), CRC32C of the primary's entry there when the reason is STANDBY_AHEAD,
 *                               or -1 (8), the last position the primary has shown, or -1 when it cannot say (8),
 *                               its journal's last position (8)
 *  SESSION_ENDED 16  control    primary: the session's live shipping stopped (no subscriber; or, asynchronous,
 *                               back-pressure): ask again, and catch-up goes on from the journal
 *  PROBE        17   control    standby refused for another history in the epoch: position (8), CRC32C of its
 *                               entry there (8); it starts no session (a search for the last shared position)
 *  PROBE_ANSWER 18   control    primary: the position (8), 1 if its entry there has that CRC32C, else 0 (8)
 *  STOPPED      19   control    either: it is closing cleanly, its role (8) and its journal's last position (8);
 *                               sent last, best effort (a killed node sends nothing): its peer says so, not only
 *                               that it went silent
 *  STATE_CHECK  20   control    primary: a position (8) and the state hash its engine took after applying it (8),
 *                               each it took since the last sent, with the heartbeat (older nodes ignore the type)
 *  STATE_DIFFERS 21  control    standby, to each STATE_CHECK while its state differs: the position (8) where its
 *                               state hash (8) differed from the primary's (8)
 *  STATE_EQUAL  22   control    standby, to each STATE_CHECK otherwise: the last position it compared equal (8)
 * </pre>
 * Every body field is 8 bytes, so a message other than ENTRY is 40 bytes plus 8 per field.
 */
final class Messages
{
    /** 2: the sender's history after the header. Messages of another version are not read. */
    static final int VERSION = 2;

    static final int ENTRY = 1;
    static final int CATCH_UP_DONE = 2;
    static final int REQUEST = 10;
    static final int ACK = 11;
    static final int HEARTBEAT = 12;
    static final int FENCED = 13;
    static final int DIVERGED = 14;
    static final int REFUSED = 15;
    static final int SESSION_ENDED = 16;
    static final int PROBE = 17;
    static final int PROBE_ANSWER = 18;
    static final int STOPPED = 19;
    static final int STATE_CHECK = 20;
    static final int STATE_DIFFERS = 21;
    static final int STATE_EQUAL = 22;

    /** REFUSED reasons. */
    static final long REFUSED_STANDBY_AHEAD = 1;
    static final long REFUSED_HISTORY_DIFFERS = 2;
    static final long REFUSED_NOT_PRIMARY = 3;
    /** The standby needs entries older than the primary's oldest: field 1 is the primary's first position. */
    static final long REFUSED_TRIMMED = 4;
    /** The standby's journal holds entries under another identity than the primary's: another pair's, say. */
    static final long REFUSED_ANOTHER_HISTORY = 5;

    static final int TYPE_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int EPOCH_OFFSET = 8;
    static final int SESSION_OFFSET = 16;
    static final int HEADER_LENGTH = 24;
    static final int HISTORY_HIGH_OFFSET = 24;
    static final int HISTORY_LOW_OFFSET = 32;
    /** Where the body of a message other than ENTRY begins: after the header and the sender's history. */
    static final int BODY_OFFSET = 40;
    static final int FIELD_LENGTH = 8;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private Messages()
    {
    }

    /** Writes the header and returns the offset of the body. */
    static int header(final MutableDirectBuffer buffer, final int offset, final int type, final long epoch,
        final long session)
    {
        buffer.putInt(offset + TYPE_OFFSET, type, ORDER);
        buffer.putInt(offset + VERSION_OFFSET, VERSION, ORDER);
        buffer.putLong(offset + EPOCH_OFFSET, epoch, ORDER);
        buffer.putLong(offset + SESSION_OFFSET, session, ORDER);
        return offset + HEADER_LENGTH;
    }

    /** Writes the sender's history, after the header of a message other than ENTRY. */
    static void history(final MutableDirectBuffer buffer, final int offset, final JournalId history)
    {
        buffer.putLong(offset + HISTORY_HIGH_OFFSET, history.high(), ORDER);
        buffer.putLong(offset + HISTORY_LOW_OFFSET, history.low(), ORDER);
    }

    /** Writes the {@code index}-th body field. */
    static void field(final MutableDirectBuffer buffer, final int offset, final int index, final long value)
    {
        buffer.putLong(offset + BODY_OFFSET + index * FIELD_LENGTH, value, ORDER);
    }

    /** Length of a message other than ENTRY with {@code fields} body fields. */
    static int length(final int fields)
    {
        return BODY_OFFSET + fields * FIELD_LENGTH;
    }

    static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + TYPE_OFFSET, ORDER);
    }

    static int version(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + VERSION_OFFSET, ORDER);
    }

    static long epoch(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + EPOCH_OFFSET, ORDER);
    }

    static long session(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SESSION_OFFSET, ORDER);
    }

    /** The first half of the sender's history (0 for none), in a message other than ENTRY of {@code length} bytes. */
    static long historyHigh(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= BODY_OFFSET ? buffer.getLong(offset + HISTORY_HIGH_OFFSET, ORDER) : 0;
    }

    /** The second half of the sender's history (0 for none). */
    static long historyLow(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= BODY_OFFSET ? buffer.getLong(offset + HISTORY_LOW_OFFSET, ORDER) : 0;
    }

    /** The {@code index}-th body field, or {@code absent} if the message is too short to hold it. */
    static long field(final DirectBuffer buffer, final int offset, final int length, final int index, final long absent)
    {
        final int at = BODY_OFFSET + index * FIELD_LENGTH;
        return at + FIELD_LENGTH <= length ? buffer.getLong(offset + at, ORDER) : absent;
    }

    static String name(final int type)
    {
        switch (type)
        {
            case ENTRY: return "ENTRY";
            case CATCH_UP_DONE: return "CATCH_UP_DONE";
            case REQUEST: return "REQUEST";
            case ACK: return "ACK";
            case HEARTBEAT: return "HEARTBEAT";
            case FENCED: return "FENCED";
            case DIVERGED: return "DIVERGED";
            case REFUSED: return "REFUSED";
            case SESSION_ENDED: return "SESSION_ENDED";
            case PROBE: return "PROBE";
            case PROBE_ANSWER: return "PROBE_ANSWER";
            case STOPPED: return "STOPPED";
            case STATE_CHECK: return "STATE_CHECK";
            case STATE_DIFFERS: return "STATE_DIFFERS";
            case STATE_EQUAL: return "STATE_EQUAL";
            default: return "type " + type;
        }
    }
}
