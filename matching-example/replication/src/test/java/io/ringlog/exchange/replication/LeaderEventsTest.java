package io.ringlog.exchange.replication;

import io.ringlog.core.Command;
import io.ringlog.core.OutputEvent;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.text.TextFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A restarted primary's replayed events arrive on the listener's thread while its serve loop releases
 * them on another as the standby acknowledges. What the node says it has shown (its status page and
 * heartbeats, what its next restart resumes after) is only ever a position whose events are all in the
 * file: a release that lands between two events of one command writes the command's events only once
 * they have all arrived.
 */
class LeaderEventsTest
{
    private final StringWriter file = new StringWriter();
    private final LeaderEvents events = new LeaderEvents(file, () -> -1);

    @Test
    void shouldNeverSayAPositionIsShownWhileSomeOfItsReplayedEventsAreStillToCome() throws Exception
    {
        events.resumeAfter(10);
        assertEquals(10, events.shownPosition(), "shown before this start, as the page said");

        events.onEvent(rejection(11, 0, 3), true);
        events.onEvent(rejection(12, 0, 4), false);
        // The serve loop, with the standby past 12: one event of 12 has arrived, its second has not.
        events.release(Long.MAX_VALUE);
        assertEquals(List.of(line(11, 0, 3)), lines());
        assertEquals(11, events.shownPosition(), "12 is not shown until all of its events are");

        events.onEvent(rejection(12, 1, 5), true);
        events.release(Long.MAX_VALUE);
        assertEquals(List.of(line(11, 0, 3), line(12, 0, 4), line(12, 1, 5)), lines());
        assertEquals(12, events.shownPosition());
    }

    @Test
    void shouldReleaseWhatTheStandbyAcknowledgedAndTheRestWithTheFirstLiveEvent() throws Exception
    {
        events.resumeAfter(10);
        events.onEvent(rejection(9, 0, 1), false);
        events.onEvent(rejection(10, 0, 2), true);
        events.onEvent(rejection(11, 0, 3), false);
        events.onEvent(rejection(11, 1, 4), false);
        events.onEvent(rejection(12, 0, 5), true);
        events.release(11);
        assertEquals(List.of(line(11, 0, 3), line(11, 1, 4)), lines(), "what 10 and before " +
            "showed last time is not shown again; 12 waits for its acknowledgement");
        assertEquals(11, events.shownPosition());

        events.from(1);
        events.onEvent(rejection(13, 0, 6, false), true);
        assertEquals(List.of(line(11, 0, 3), line(11, 1, 4), line(12, 0, 5),
            line(13, 0, 6)), lines());
        assertEquals(13, events.shownPosition());
    }

    /**
     * A kill cut position 11 short: the file holds its first event's line. The restart goes on with its
     * second, and repeats no line; a file line replay does not regenerate stops the skipping there.
     */
    @Test
    void shouldGoOnAfterTheLinesOfACutPositionTheFileHoldsAndRepeatNone() throws Exception
    {
        events.resumeAfter(10, List.of(line(11, 0, 3)));
        events.onEvent(rejection(10, 0, 2), true);
        events.onEvent(rejection(11, 0, 3), false);
        events.onEvent(rejection(11, 1, 4), false);
        events.onEvent(rejection(12, 0, 5), true);
        events.release(Long.MAX_VALUE);
        assertEquals(List.of(line(11, 1, 4), line(12, 0, 5)), lines());
        assertEquals(12, events.shownPosition());

        final StringWriter other = new StringWriter();
        final LeaderEvents unlike = new LeaderEvents(other, () -> -1);
        unlike.resumeAfter(10, List.of(line(11, 0, 3), line(11, 1, 7)));
        unlike.onEvent(rejection(11, 0, 3), false);
        unlike.onEvent(rejection(11, 1, 4), true);
        unlike.release(Long.MAX_VALUE);
        assertEquals(List.of(line(11, 1, 4)), other.toString().lines().toList(), "the first matched; from the second on, " +
            "all shown");
    }

    /**
     * A file written before lines carried the event's index: the restart after an upgrade still knows the cut
     * position's first line for the one its replay regenerates, and repeats none.
     */
    @Test
    void shouldKnowTheLinesOfAFileWrittenBeforeLinesCarriedTheEventsIndex() throws Exception
    {
        final String older = line(11, 0, 3).replace(" ev=0", "");
        assertEquals("pos=11 rejected reason=UNKNOWN_SYMBOL cmd=instrument", older);
        events.resumeAfter(10, List.of(older));
        events.onEvent(rejection(11, 0, 3), false);
        events.onEvent(rejection(11, 1, 4), true);
        events.release(Long.MAX_VALUE);
        assertEquals(List.of(line(11, 1, 4)), lines());
    }

    /** The lines a restart reads back: the last whole ones about one position, a torn last line left out. */
    @Test
    void shouldReadTheWholeLinesOfTheLastPositionOfAnEventsFile(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("events.txt"), "pos=9 a\npos=10 x\npos=10 y\npos=10 torn");
        assertEquals(List.of("pos=10 x", "pos=10 y"), ExchangeNode.linesOf(file, 10));
        assertEquals(List.of(), ExchangeNode.linesOf(file, 11), "the last whole line is about 10");
        assertEquals(List.of(), ExchangeNode.linesOf(file, 1), "pos=1 is not a prefix of pos=10's lines");
        assertEquals(List.of(), ExchangeNode.linesOf(dir.resolve("none.txt"), 10));
        Files.writeString(file, "pos=10 z\n");
        assertEquals(List.of("pos=10 z"), ExchangeNode.linesOf(file, 10), "back to the file's start");
    }

    /**
     * A standby promoted while its listener is between two events of one followed command writes the
     * kept first one at once, in order, but says it has shown that position only once the rest is written.
     */
    @Test
    void shouldNotSayAPositionIsShownWhenPromotedBetweenTwoOfItsEvents() throws Exception
    {
        final LeaderEvents standby = new LeaderEvents(file, () -> 10);
        standby.onEvent(rejection(10, 0, 1, false), true);
        standby.onEvent(rejection(11, 0, 3, false), true);
        standby.onEvent(rejection(12, 0, 4, false), false);
        assertEquals(List.of(), lines(), "a standby shows nothing of what it follows");

        assertEquals(0, standby.promoted(12, 10));
        assertEquals(List.of(line(11, 0, 3), line(12, 0, 4)), lines(), "what its old primary had not shown");
        assertEquals(11, standby.shownPosition(), "12's second event is still to come");

        standby.onEvent(rejection(12, 1, 5, false), true);
        standby.onEvent(rejection(13, 0, 6, false), true);
        assertEquals(List.of(line(11, 0, 3), line(12, 0, 4), line(12, 1, 5), line(13, 0, 6)), lines());
        assertEquals(13, standby.shownPosition());
    }

    /**
     * A standby whose listener is behind what its old primary showed when it is promoted says it has shown
     * what the old primary showed, not less, and does not show those events again as they arrive.
     */
    @Test
    void shouldSayItShowedWhatItsOldPrimaryShowedWhenItsListenerIsBehind() throws Exception
    {
        final LeaderEvents standby = new LeaderEvents(file, () -> 20);
        standby.onEvent(rejection(10, 0, 1, false), true);
        assertEquals(0, standby.promoted(21, 20));
        assertEquals(20, standby.shownPosition());
        standby.onEvent(rejection(11, 0, 2, false), false);
        standby.onEvent(rejection(20, 0, 3, false), true);
        assertEquals(List.of(), lines(), "the old primary showed them");
        assertEquals(20, standby.shownPosition());
        standby.onEvent(rejection(22, 0, 4, false), true);
        assertEquals(List.of(line(22, 0, 4)), lines());
        assertEquals(22, standby.shownPosition());
    }

    /** The file's line for a rejection with {@code reason}, the {@code index}th event of the command at {@code position}. */
    private static String line(final long position, final int index, final int reason)
    {
        return new TextFormat().event(rejection(position, index, reason), new StringBuilder()).toString();
    }

    private List<String> lines()
    {
        return file.toString().lines().toList();
    }

    /** A replayed rejection of the command at {@code position}, the {@code index}th event it caused. */
    private static OutputEvent rejection(final long position, final int index, final int reason)
    {
        return rejection(position, index, reason, true);
    }

    private static OutputEvent rejection(final long position, final int index, final int reason, final boolean replay)
    {
        final Command cause = new Command(0).set(position, 0, 1, 1, 0, 0, 0, new UnsafeBuffer(new byte[0]), 0, 0);
        final OutputEvent event = new OutputEvent(64);
        event.reset(cause, EventTypes.REJECTED, index, replay);
        event.mutablePayload().putInt(0, reason, ByteOrder.LITTLE_ENDIAN);
        event.payloadLength(4);
        return event;
    }
}
