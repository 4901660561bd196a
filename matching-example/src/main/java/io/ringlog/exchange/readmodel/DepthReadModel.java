package io.ringlog.exchange.readmodel;

import io.ringlog.core.OutputEvent;
import io.ringlog.core.OutputListener;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.event.BookChangedEventDecoder;
import io.ringlog.exchange.codec.event.InstrumentAddedEventDecoder;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntHashSet;

import java.util.Arrays;

/**
 * L2 depth per symbol, built from {@code BOOK_CHANGED} events on its listener thread and queried from
 * any thread. Each event replaces one level's total, so the model is exact once it has seen every
 * event since the book was empty (a replay from the start of the journal), or since a
 * {@link #seed seed} from the exchange. Updates and queries take the model's lock; a query copies.
 */
public final class DepthReadModel implements OutputListener
{
    /** Levels of one side, best first. */
    public record Level(long price, long quantity, int orders)
    {
    }

    /** A copy of a book's top levels, and the position of the last event applied to the model. */
    public record Depth(int symbol, Level[] bids, Level[] asks, long position)
    {
        @Override
        public String toString()
        {
            return "Depth{symbol=" + symbol + ", bids=" + Arrays.toString(bids) + ", asks=" + Arrays.toString(asks) +
                ", position=" + position + '}';
        }
    }

    private final BookChangedEventDecoder bookChanged = new BookChangedEventDecoder();
    private final InstrumentAddedEventDecoder instrumentAdded = new InstrumentAddedEventDecoder();
    private final IntHashSet listed = new IntHashSet();
    private final Int2ObjectHashMap<Book> books = new Int2ObjectHashMap<>();
    private final boolean receivesReplay;
    private long position;

    /** Rebuilds itself from replayed events at start-up. */
    public DepthReadModel()
    {
        this(true);
    }

    public DepthReadModel(final boolean receivesReplay)
    {
        this.receivesReplay = receivesReplay;
    }

    @Override
    public void onEvent(final OutputEvent event, final boolean endOfBatch)
    {
        if (event.type() == EventTypes.INSTRUMENT_ADDED)
        {
            instrumentAdded.wrap(event.payload(), 0, event.payloadLength(), InstrumentAddedEventDecoder.SCHEMA_VERSION);
            synchronized (this)
            {
                listed.add(instrumentAdded.symbol());
            }
            return;
        }
        if (event.type() != EventTypes.BOOK_CHANGED)
        {
            return;
        }
        bookChanged.wrap(event.payload(), 0, event.payloadLength(), BookChangedEventDecoder.SCHEMA_VERSION);
        synchronized (this)
        {
            Book book = books.get(bookChanged.symbol());
            if (book == null)
            {
                book = new Book();
                books.put(bookChanged.symbol(), book);
            }
            book.sides[bookChanged.side()].update(bookChanged.price(), bookChanged.totalQuantity(), bookChanged.orderCount());
            position = event.position();
        }
    }

    @Override
    public boolean receivesReplay()
    {
        return receivesReplay;
    }

    /**
     * Replaces the model with the exchange's books. Call it where the exchange is not changing: on the
     * business-logic thread (e.g. from {@link ExchangeStateMachine#onSnapshotLoaded}) or when the engine
     * has stopped.
     */
    public void seed(final ExchangeStateMachine exchange)
    {
        synchronized (this)
        {
            books.clear();
            listed.clear();
            for (final int symbol : exchange.symbols())
            {
                listed.add(symbol);
                final Book book = new Book();
                books.put(symbol, book);
                for (final Side side : Side.values())
                {
                    final DepthSide depth = book.sides[side.code()];
                    exchange.forEachLevel(symbol, side, depth::update);
                }
            }
            position = exchange.lastPosition();
        }
    }

    /** Up to {@code levels} levels a side of one symbol's book; empty sides for a symbol never seen. */
    public synchronized Depth depth(final int symbol, final int levels)
    {
        final Book book = books.get(symbol);
        if (book == null)
        {
            return new Depth(symbol, new Level[0], new Level[0], position);
        }
        return new Depth(symbol, book.sides[Side.BUY_CODE].top(levels), book.sides[Side.SELL_CODE].top(levels), position);
    }

    /** Whether an instrument of this symbol was added, or its book changed, in the events seen (or the exchange seeded from). */
    public synchronized boolean lists(final int symbol)
    {
        // Or its book changed: an instrument event a retention policy dropped still left its book's events.
        return listed.contains(symbol) || books.containsKey(symbol);
    }

    /** The symbols whose instruments were added or whose books changed, in ascending order. */
    public synchronized int[] symbols()
    {
        final IntHashSet all = new IntHashSet();
        all.addAll(listed);
        for (final Int2ObjectHashMap<Book>.KeyIterator it = books.keySet().iterator(); it.hasNext(); )
        {
            all.add(it.nextInt());
        }
        final int[] symbols = new int[all.size()];
        int i = 0;
        for (final IntHashSet.IntIterator it = all.iterator(); it.hasNext(); )
        {
            symbols[i++] = it.nextValue();
        }
        Arrays.sort(symbols);
        return symbols;
    }

    /** Position of the last event applied. */
    public synchronized long position()
    {
        return position;
    }

    private static final class Book
    {
        final DepthSide[] sides = {new DepthSide(Side.BUY_CODE), new DepthSide(Side.SELL_CODE)};
    }

    /** Levels of one side in arrays sorted best first; no allocation until they grow. */
    private static final class DepthSide
    {
        private final int side;
        private long[] prices = new long[64];
        private long[] quantities = new long[64];
        private int[] orders = new int[64];
        private int size;

        DepthSide(final int side)
        {
            this.side = side;
        }

        /** True if {@code a} is a better price than {@code b} on this side. */
        private boolean better(final long a, final long b)
        {
            return side == Side.BUY_CODE ? a > b : a < b;
        }

        void update(final long price, final long quantity, final int count)
        {
            int low = 0;
            int high = size - 1;
            while (low <= high)
            {
                final int mid = (low + high) >>> 1;
                final long p = prices[mid];
                if (p == price)
                {
                    if (quantity == 0)
                    {
                        System.arraycopy(prices, mid + 1, prices, mid, size - mid - 1);
                        System.arraycopy(quantities, mid + 1, quantities, mid, size - mid - 1);
                        System.arraycopy(orders, mid + 1, orders, mid, size - mid - 1);
                        size--;
                    }
                    else
                    {
                        quantities[mid] = quantity;
                        orders[mid] = count;
                    }
                    return;
                }
                if (better(p, price))
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }
            if (quantity == 0)
            {
                return;
            }
            if (size == prices.length)
            {
                prices = Arrays.copyOf(prices, size * 2);
                quantities = Arrays.copyOf(quantities, size * 2);
                orders = Arrays.copyOf(orders, size * 2);
            }
            System.arraycopy(prices, low, prices, low + 1, size - low);
            System.arraycopy(quantities, low, quantities, low + 1, size - low);
            System.arraycopy(orders, low, orders, low + 1, size - low);
            prices[low] = price;
            quantities[low] = quantity;
            orders[low] = count;
            size++;
        }

        Level[] top(final int levels)
        {
            final Level[] top = new Level[Math.min(levels, size)];
            for (int i = 0; i < top.length; i++)
            {
                top[i] = new Level(prices[i], quantities[i], orders[i]);
            }
            return top;
        }
    }
}
