package io.ringlog.exchange.workload;

/**
 * What a {@link WorkloadGenerator} makes: fluent setters, accessors without {@code get}, and presets.
 * Symbols are 1..symbols, each trading base asset {@code symbol} against quote asset 0; accounts are
 * 1..accounts. Every account deposits enough of every asset that funds rarely bind, so the flow is
 * about matching; {@link #quoteDeposit} and {@link #baseDeposit} make them bind if wanted.
 */
public final class WorkloadConfig
{
    /** The most accounts a workload may have: ten million. */
    public static final int MAX_ACCOUNTS = 10_000_000;

    /** Kinds of generated order-flow commands, the index into {@link #mix()}. */
    public static final int MOVE = 0;
    public static final int GTC = 1;
    public static final int REDUCE = 2;
    public static final int CANCEL = 3;
    public static final int IOC = 4;
    public static final int FOK = 5;
    public static final int MARKET = 6;
    public static final int KINDS = 7;

    private long seed = 1;
    private int symbols = 1;
    private int accounts = 2_000;
    private int restingPerSymbol = 1_000;
    private long commands = 1_000_000;
    private double[] mix = {71, 13, 7, 7, 1.7, 0.3, 0};
    private double skew = 0;
    private long tickSize = 1;
    private long lotSize = 1;
    private long midPrice = 10_000;
    private int spreadTicks = 50;
    private int maxQuantity = 10;
    private long quoteDeposit = 1L << 40;
    private long baseDeposit = 1L << 36;

    /**
     * The shape published matching-engine benchmarks (exchange-core) use, so figures compare: one
     * symbol, 2,000 accounts, about 1,000 resting orders (500 a side) placed first, then ~71% move,
     * 13% GTC place, 7% reduce, 7% cancel, ~2% IOC and a few FOK; moves, reduces and cancels target live
     * orders, passive GTC prices sit near the last trade.
     */
    public static WorkloadConfig exchangeCore(final long seed, final long commands)
    {
        return new WorkloadConfig().seed(seed).commands(commands);
    }

    /**
     * Many symbols with skewed popularity (a few symbols get most of the flow), 10,000 accounts, 100
     * resting orders per symbol placed first, and a broader mix including market orders.
     */
    public static WorkloadConfig manySymbols(final long seed, final long commands)
    {
        return new WorkloadConfig().seed(seed).commands(commands).symbols(50).accounts(10_000).restingPerSymbol(100)
            .skew(1.2).mix(new double[]{35, 35, 5, 15, 6, 1, 3});
    }

    /** Asset ids the exchange must accept: quote 0 and one base per symbol. */
    public int maxAssets()
    {
        return symbols + 1;
    }

    public WorkloadConfig seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    public long seed()
    {
        return seed;
    }

    public WorkloadConfig symbols(final int symbols)
    {
        if (symbols < 1)
        {
            throw new IllegalArgumentException("symbols must be positive: " + symbols);
        }
        this.symbols = symbols;
        return this;
    }

    public int symbols()
    {
        return symbols;
    }

    public WorkloadConfig accounts(final int accounts)
    {
        if (accounts < 2 || accounts > MAX_ACCOUNTS)
        {
            // The setup deposits every account's balance of each asset before the first order: far more accounts than
            // this is a typo, and measuring the file it would make (SpaceEstimate) used to run for hours, silently.
            throw new IllegalArgumentException("accounts must be between 2 and " + MAX_ACCOUNTS + ": " + accounts);
        }
        this.accounts = accounts;
        return this;
    }

    public int accounts()
    {
        return accounts;
    }

    /** Resting orders per symbol placed before the flow starts, half a side; the flow keeps the book near this size. */
    public WorkloadConfig restingPerSymbol(final int restingPerSymbol)
    {
        this.restingPerSymbol = restingPerSymbol;
        return this;
    }

    public int restingPerSymbol()
    {
        return restingPerSymbol;
    }

    /** Order-flow commands after the setup (instruments, deposits, prefill). */
    public WorkloadConfig commands(final long commands)
    {
        this.commands = commands;
        return this;
    }

    public long commands()
    {
        return commands;
    }

    /** Relative weights of MOVE, GTC, REDUCE, CANCEL, IOC, FOK, MARKET. */
    public WorkloadConfig mix(final double[] mix)
    {
        if (mix.length != KINDS)
        {
            throw new IllegalArgumentException("mix needs " + KINDS + " weights: move, gtc, reduce, cancel, ioc, fok, market");
        }
        this.mix = mix.clone();
        return this;
    }

    public double[] mix()
    {
        return mix.clone();
    }

    /** Zipf exponent of symbol popularity: 0 is uniform, 1 and above concentrates flow on the first symbols. */
    public WorkloadConfig skew(final double skew)
    {
        this.skew = skew;
        return this;
    }

    public double skew()
    {
        return skew;
    }

    public WorkloadConfig tickSize(final long tickSize)
    {
        this.tickSize = tickSize;
        return this;
    }

    public long tickSize()
    {
        return tickSize;
    }

    public WorkloadConfig lotSize(final long lotSize)
    {
        this.lotSize = lotSize;
        return this;
    }

    public long lotSize()
    {
        return lotSize;
    }

    /** Starting mid price, in ticks. */
    public WorkloadConfig midPrice(final long midPrice)
    {
        this.midPrice = midPrice;
        return this;
    }

    public long midPrice()
    {
        return midPrice;
    }

    /** How many ticks either side of the mid resting orders spread over. */
    public WorkloadConfig spreadTicks(final int spreadTicks)
    {
        this.spreadTicks = spreadTicks;
        return this;
    }

    public int spreadTicks()
    {
        return spreadTicks;
    }

    /** Order quantities are 1..maxQuantity lots. */
    public WorkloadConfig maxQuantity(final int maxQuantity)
    {
        this.maxQuantity = maxQuantity;
        return this;
    }

    public int maxQuantity()
    {
        return maxQuantity;
    }

    /** Quote units each account deposits. */
    public WorkloadConfig quoteDeposit(final long quoteDeposit)
    {
        this.quoteDeposit = quoteDeposit;
        return this;
    }

    public long quoteDeposit()
    {
        return quoteDeposit;
    }

    /** Base units of every symbol's base asset each account deposits. */
    public WorkloadConfig baseDeposit(final long baseDeposit)
    {
        this.baseDeposit = baseDeposit;
        return this;
    }

    public long baseDeposit()
    {
        return baseDeposit;
    }
}
