package io.ringlog.exchange;

/**
 * The book of one instrument: for each side, its price levels in an array sorted by a key that puts
 * the best level last ({@code price} for bids, {@code -price} for asks). Orders arrive and leave
 * mostly near the best price, so inserting and removing there moves few elements, taking the best
 * is O(1), and finding a price is a binary search. Iteration order is the price order: deterministic.
 */
final class OrderBook
{
    private static final int INITIAL_LEVELS = 64;

    final Instrument instrument;
    private final PriceLevel[][] levels = {new PriceLevel[INITIAL_LEVELS], new PriceLevel[INITIAL_LEVELS]};
    private final int[] counts = new int[2];

    OrderBook(final Instrument instrument)
    {
        this.instrument = instrument;
    }

    private static long key(final int side, final long price)
    {
        return side == Side.BUY_CODE ? price : -price;
    }

    /** The best level of a side, or null when the side is empty. */
    PriceLevel best(final int side)
    {
        final int count = counts[side];
        return count == 0 ? null : levels[side][count - 1];
    }

    int levelCount(final int side)
    {
        return counts[side];
    }

    /** The i-th level of a side counting from the best (0). */
    PriceLevel level(final int side, final int fromBest)
    {
        return levels[side][counts[side] - 1 - fromBest];
    }

    /** Index of the level with this price, or {@code -(insertion point) - 1}. */
    private int search(final int side, final long price)
    {
        final PriceLevel[] array = levels[side];
        final long key = key(side, price);
        int low = 0;
        int high = counts[side] - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long midKey = key(side, array[mid].price);
            if (midKey < key)
            {
                low = mid + 1;
            }
            else if (midKey > key)
            {
                high = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -(low + 1);
    }

    /** The level at this price, or null. */
    PriceLevel find(final int side, final long price)
    {
        final int index = search(side, price);
        return index >= 0 ? levels[side][index] : null;
    }

    /** Inserts a fresh (empty) level; there must be none at its price. */
    void insert(final PriceLevel level)
    {
        final int side = level.side;
        final int index = -search(side, level.price) - 1;
        PriceLevel[] array = levels[side];
        final int count = counts[side];
        if (count == array.length)
        {
            final PriceLevel[] grown = new PriceLevel[array.length * 2];
            System.arraycopy(array, 0, grown, 0, count);
            levels[side] = grown;
            array = grown;
        }
        System.arraycopy(array, index, array, index + 1, count - index);
        array[index] = level;
        counts[side] = count + 1;
    }

    /** Removes a level (normally an empty one) from its side. */
    void remove(final PriceLevel level)
    {
        final int side = level.side;
        final int count = counts[side];
        final PriceLevel[] array = levels[side];
        final int index = array[count - 1] == level ? count - 1 : search(side, level.price);
        System.arraycopy(array, index + 1, array, index, count - index - 1);
        array[count - 1] = null;
        counts[side] = count - 1;
    }
}
