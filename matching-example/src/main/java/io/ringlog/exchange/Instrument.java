package io.ringlog.exchange;

/**
 * A listed instrument: {@code baseAsset} is bought and sold in lots of {@code lotSize} base units,
 * priced in {@code quoteAsset} units per lot on a grid of {@code tickSize}.
 */
public final class Instrument
{
    private final int symbol;
    private final int baseAsset;
    private final int quoteAsset;
    private final long tickSize;
    private final long lotSize;
    private final long maxQuantity;

    public Instrument(final int symbol, final int baseAsset, final int quoteAsset, final long tickSize, final long lotSize)
    {
        this.symbol = symbol;
        this.baseAsset = baseAsset;
        this.quoteAsset = quoteAsset;
        this.tickSize = tickSize;
        this.lotSize = lotSize;
        this.maxQuantity = Long.MAX_VALUE / lotSize;
    }

    public int symbol()
    {
        return symbol;
    }

    public int baseAsset()
    {
        return baseAsset;
    }

    public int quoteAsset()
    {
        return quoteAsset;
    }

    /** Smallest price step, in quote units per lot. */
    public long tickSize()
    {
        return tickSize;
    }

    /** Base units in one lot. */
    public long lotSize()
    {
        return lotSize;
    }

    /** Largest quantity, in lots, whose base amount fits in a long. */
    public long maxQuantity()
    {
        return maxQuantity;
    }

    @Override
    public String toString()
    {
        return "Instrument{symbol=" + symbol + ", base=" + baseAsset + ", quote=" + quoteAsset +
            ", tick=" + tickSize + ", lot=" + lotSize + '}';
    }
}
