package io.ringlog.bench;

import io.ringlog.core.DiscardingOutput;
import io.ringlog.exchange.OrderType;
import io.ringlog.exchange.Side;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.workload.WorkloadConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Operations per second of the exchange's order book, one kind of operation per benchmark, on
 * {@link io.ringlog.exchange.ExchangeStateMachine#apply} called directly on the JMH thread (no
 * engine, no rings) with a {@link DiscardingOutput}. Every benchmark starts from the exchange-core
 * shape: one symbol, 2,000 funded accounts, ~1,000 resting orders 500 a side within 50 ticks of the
 * mid (10,000), and keeps the book at that shape, so every invocation sees the same book.
 *
 * <pre>
 *   price   side  resting                       what each benchmark does, {@value #BATCH} orders an invocation
 *   10050   ask   ~10 orders a level  ┐
 *    ...    ask                       │ prefill
 *   10001   ask                       ┘
 *   10000   ---   empty               ◄── match:  set-up rests {@value #BATCH} GTC orders of 5 (maker, account 1);
 *                                                 measured: {@value #BATCH} IOC orders of 5 at 10000 from the
 *                                                 other side (taker, account 2), each filling one maker
 *                                                 order: 1 trade each. Sides swap every invocation.
 *    9999   bid   ~10 orders a level  ┐ ◄── place: {@value #BATCH} GTC buys of 3 (account 3) joining the backs
 *    ...    bid                       │            of levels 9999..9950; tear-down cancels them
 *    9950   bid                       ┘ ◄── cancel: set-up places them; measured: cancel them
 *                                       ◄── move: {@value #BATCH} resting buys (account 3) each moved one tick
 *                                                 along 9999..9950 per invocation: passive, no trade
 * </pre>
 *
 * Set-up and tear-down run per invocation of {@value #BATCH} operations (tens of microseconds),
 * long enough that JMH's per-invocation timing costs under 1%. Every trial checks at its end that
 * nothing was rejected and that each match traded, so a figure cannot come from the exchange
 * turning orders away. {@code -prof gc} should show 0 B/op: the exchange pools orders and levels.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OrderBookBenchmark extends RinglogFork
{
    /** Operations per invocation. */
    public static final int BATCH = 100;
    static final long SEED = 42;
    static final int SYMBOL = 1;
    static final long MAKER = 1;
    static final long TAKER = 2;
    static final long OWNER = 3;
    /** Above the prefill's order ids (1..~1,000); ids may be reused once their order is gone. */
    static final long FIRST_OWN_ID = 1_000_000;
    static final long MID = WorkloadConfig.exchangeCore(SEED, 0).midPrice();
    static final int BID_LEVELS = 50;
    static final long PASSIVE_QUANTITY = 3;
    static final long MATCH_QUANTITY = 5;

    private static final int BUY = Side.BUY_CODE;
    private static final int SELL = Side.SELL_CODE;
    private static final int GTC = OrderType.GTC_CODE;
    private static final int IOC = OrderType.IOC_CODE;

    /** The prefilled exchange; each benchmark runs in its own fork, so each gets its own. */
    @State(Scope.Thread)
    public static class Book
    {
        ExchangeDriver driver;

        /** Idempotent: a subclass's trial set-up may run first and call it itself. */
        @Setup(Level.Trial)
        public void prefill() throws Exception
        {
            if (driver == null)
            {
                driver = ExchangeDriver.prefilled(SEED);
            }
        }

        void placePassive(final int i)
        {
            driver.place(FIRST_OWN_ID + i, OWNER, SYMBOL, BUY, GTC, MID - 1 - (i % BID_LEVELS), PASSIVE_QUANTITY);
        }

        void cancelOwn(final int i)
        {
            driver.cancel(FIRST_OWN_ID + i, OWNER);
        }

        /** Fails the trial if anything was rejected: the figure would be of rejections, not of the operation. */
        void checkNothingRejected()
        {
            final long rejections = driver.output().rejections();
            if (rejections != 0)
            {
                throw new IllegalStateException(rejections + " commands were rejected; the benchmark measured " +
                    "the wrong thing");
            }
        }
    }

    /** For {@link #place}: cancels after each invocation what it placed, so the book keeps its shape. */
    @State(Scope.Thread)
    public static class PlaceThenCancel extends Book
    {
        @TearDown(Level.Invocation)
        public void cancelPlaced()
        {
            for (int i = 0; i < BATCH; i++)
            {
                cancelOwn(i);
            }
        }

        @TearDown(Level.Trial)
        public void check()
        {
            checkNothingRejected();
        }
    }

    /** For {@link #cancel}: places before each invocation what it will cancel. */
    @State(Scope.Thread)
    public static class PlacedToCancel extends Book
    {
        @Setup(Level.Invocation)
        public void placeToCancel()
        {
            for (int i = 0; i < BATCH; i++)
            {
                placePassive(i);
            }
        }

        @TearDown(Level.Trial)
        public void check()
        {
            checkNothingRejected();
        }
    }

    /** For {@link #move}: {@value #BATCH} resting buys, placed once, moved a tick along the bid side each invocation. */
    @State(Scope.Thread)
    public static class Movable extends Book
    {
        long sweep;

        @Setup(Level.Trial)
        public void placeMovable() throws Exception
        {
            prefill();
            for (int i = 0; i < BATCH; i++)
            {
                placePassive(i);
            }
        }

        /** Where order {@code i} goes on this sweep: one tick from where the last sweep left it, wrapping. */
        long price(final int i)
        {
            return MID - 1 - ((i + sweep) % BID_LEVELS);
        }

        @TearDown(Level.Trial)
        public void check()
        {
            checkNothingRejected();
        }
    }

    /**
     * For {@link #match}: before each invocation, {@value #BATCH} maker orders at the mid, alone at the
     * top of their side. Sides swap every invocation (makers sell, then buy) so the two accounts' funds
     * flow back and forth instead of running out over millions of trades.
     */
    @State(Scope.Thread)
    public static class RestingAtMid extends Book
    {
        long matches;
        int makerSide = BUY;

        @Setup(Level.Invocation)
        public void placeMakers()
        {
            makerSide = makerSide == BUY ? SELL : BUY;
            for (int i = 0; i < BATCH; i++)
            {
                driver.place(FIRST_OWN_ID + i, MAKER, SYMBOL, makerSide, GTC, MID, MATCH_QUANTITY);
            }
        }

        int takerSide()
        {
            return makerSide == BUY ? SELL : BUY;
        }

        @TearDown(Level.Trial)
        public void check()
        {
            checkNothingRejected();
            final long trades = driver.output().events(EventTypes.TRADE);
            if (trades != matches)
            {
                throw new IllegalStateException(matches + " IOC orders made " + trades + " trades, expected one each");
            }
        }
    }

    /** A passive GTC buy that joins the back of an existing level. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long place(final PlaceThenCancel book)
    {
        for (int i = 0; i < BATCH; i++)
        {
            book.placePassive(i);
        }
        return book.driver.position();
    }

    /** Cancels a resting order at the back of its level. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long cancel(final PlacedToCancel book)
    {
        for (int i = 0; i < BATCH; i++)
        {
            book.cancelOwn(i);
        }
        return book.driver.position();
    }

    /** Moves a resting buy one tick (to the back of a neighbouring level): cancel and re-insert, no trade. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long move(final Movable book)
    {
        book.sweep++;
        final ExchangeDriver driver = book.driver;
        for (int i = 0; i < BATCH; i++)
        {
            driver.move(FIRST_OWN_ID + i, OWNER, book.price(i));
        }
        return driver.position();
    }

    /** An IOC order that takes one resting maker order in full: accept, trade, level emptied and freed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long match(final RestingAtMid book)
    {
        final ExchangeDriver driver = book.driver;
        final int side = book.takerSide();
        for (int i = 0; i < BATCH; i++)
        {
            driver.place(FIRST_OWN_ID + BATCH + i, TAKER, SYMBOL, side, IOC, MID, MATCH_QUANTITY);
        }
        book.matches += BATCH;
        return driver.position();
    }
}
