package io.ringlog.exchange;

import io.ringlog.core.Command;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import io.ringlog.exchange.codec.CommandBlocks;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.AddInstrumentCommandDecoder;
import io.ringlog.exchange.codec.command.CancelOrderCommandDecoder;
import io.ringlog.exchange.codec.command.ConfigureCommandDecoder;
import io.ringlog.exchange.codec.command.DepositCommandDecoder;
import io.ringlog.exchange.codec.command.MoveOrderCommandDecoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.ReduceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.WithdrawCommandDecoder;
import io.ringlog.exchange.codec.event.TradeEventEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The exchange: instruments, accounts and order books, changed only by {@link #apply} on the
 * business-logic thread. See the package documentation for units, funds and matching rules.
 * <p>
 * This class decodes each command and dispatches it; the work is done by the package-private parts it
 * wires together: {@code Funds} (accounts, deposits and withdrawals, reservations, settlement),
 * {@code Matching} (books, the match loop, resting, cancelling, reducing, moving), {@code ExchangeEvents}
 * (every event emitted), {@code ExchangeSnapshot} (snapshot layout and state hash) and {@code Pools}
 * (orders and levels reused). The queries at the end read the parts' state for callers on the
 * business-logic thread.
 * <p>
 * Construct one with the number of asset ids and whether trades report balances, or with
 * {@link #ExchangeStateMachine()} to take the settings from the journal's first command, and hand it to
 * an {@code EngineContext}, with the exchange's upcasters
 * ({@link io.ringlog.exchange.codec.CommandUpcasters#create()}) so journals of older versions mean what
 * they meant. Commands are read at their version (SBE's acting version). The query methods
 * ({@link #free}, {@link #forEachLevel}, ...) read live state: call them on the business-logic
 * thread, or once the engine has stopped; other threads use read models built from the events.
 * <p>
 * Engine settings it needs: {@code maxPayloadLength} of at least {@link
 * PlaceOrderCommandDecoder#BLOCK_LENGTH} (the largest command), {@code maxEventPayloadLength}
 * of at least {@link TradeEventEncoder#BLOCK_LENGTH}, and an {@code outputRingSize} of at least
 * {@link #MAX_EVENTS_PER_COMMAND}, the most events one command can cause. The defaults (256, 256, 65,536) fit.
 */
public final class ExchangeStateMachine implements StateMachine
{
    /** A number of asset ids for code that sizes an exchange itself; the CLI's journals name theirs (64 by default). */
    public static final int DEFAULT_MAX_ASSETS = 32;
    /**
     * The most asset ids an exchange takes: every account keeps a free and a reserved balance of
     * each (16 bytes per asset per account), so this bounds an account at 16 KB.
     */
    public static final int MAX_ASSETS = 1024;
    /**
     * The most resting orders one incoming (or moved) order meets, traded with or cancelled as its own: matching
     * stops there and the rest is cancelled ({@link CancelReason#MATCH_LIMIT}, a GTC's too), and a fill-or-kill that
     * would need more is {@code CANNOT_FILL}. A reviewer's finding: with no bound, one sell meeting 70,000 of its own
     * bids emitted more events than the engine's output ring holds, and the command failed half applied (orders gone
     * without their events, a reservation with no order, trades nobody was told of), and replay then depended on the
     * ring's size. A constant, so that replay does not.
     */
    public static final int MAX_MAKERS_PER_ORDER = 10_000;
    /**
     * The most events one command emits: each resting order met costs at most four (its trade or cancellation, its
     * level's {@code BOOK_CHANGED}, two balances), plus the command's own. The engine's {@code outputRingSize} must be
     * at least this (the default, 65,536, is).
     */
    public static final int MAX_EVENTS_PER_COMMAND = 4 * MAX_MAKERS_PER_ORDER + 16;

    /** Visits price levels, best first. */
    @FunctionalInterface
    public interface LevelVisitor
    {
        void level(long price, long totalQuantity, int orderCount);
    }

    /** Told when a snapshot has been loaded, on the business-logic thread, before the journal tail is replayed. */
    @FunctionalInterface
    public interface SnapshotLoadedListener
    {
        void onSnapshotLoaded(ExchangeStateMachine exchange);
    }

    /** Visits resting orders: levels best first, each level oldest first. */
    @FunctionalInterface
    public interface OrderVisitor
    {
        void order(long orderId, long account, long price, long remaining);
    }

    private final ExchangeEvents events = new ExchangeEvents();
    private final Pools pools = new Pools();
    private final Funds funds;
    private final Matching matching;
    private final ExchangeSnapshot snapshot;
    private long lastPosition;
    private SnapshotLoadedListener snapshotLoadedListener;

    private final AddInstrumentCommandDecoder addInstrument = new AddInstrumentCommandDecoder();
    private final DepositCommandDecoder deposit = new DepositCommandDecoder();
    private final WithdrawCommandDecoder withdraw = new WithdrawCommandDecoder();
    private final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder();
    private final CancelOrderCommandDecoder cancel = new CancelOrderCommandDecoder();
    private final ReduceOrderCommandDecoder reduce = new ReduceOrderCommandDecoder();
    private final MoveOrderCommandDecoder move = new MoveOrderCommandDecoder();
    private final ConfigureCommandDecoder configure = new ConfigureCommandDecoder();

    /**
     * An exchange that takes its settings from its journal, and whose trades report the balances they
     * change: {@link #configuredByJournal configuredByJournal(true)}. This is the constructor tools that
     * know only the class use ({@code scripts/journal replay --state-machine}), so a journal the exchange
     * CLI wrote replays to the state it had. To start without a {@code CONFIGURE} command, give the
     * number of asset ids ({@link #ExchangeStateMachine(int, boolean)}).
     */
    public ExchangeStateMachine()
    {
        this(true);
    }

    /**
     * @param maxAssets           asset ids are 0..maxAssets-1; every account keeps a balance for each.
     * @param reportTradeBalances whether orders and trades emit {@code BALANCE_CHANGED} events for the
     *                            balances they change (deposits and withdrawals always do). Read models of
     *                            balances need them; a pure matching benchmark can turn them off.
     */
    public ExchangeStateMachine(final int maxAssets, final boolean reportTradeBalances)
    {
        this(reportTradeBalances);
        if (maxAssets < 2 || maxAssets > MAX_ASSETS)
        {
            throw new IllegalArgumentException("maxAssets must be between 2 (a base and a quote) and " + MAX_ASSETS +
                ": " + maxAssets);
        }
        funds.configure(maxAssets);
    }

    /**
     * An exchange that takes its settings from its journal: the first command must be a
     * {@link CommandTypes#CONFIGURE} (or a snapshot must bring them); commands before it are rejected
     * {@link RejectReason#NOT_CONFIGURED}. This is how the CLI builds every exchange, so the settings
     * its state depends on live in the journal, not beside it.
     */
    public static ExchangeStateMachine configuredByJournal(final boolean reportTradeBalances)
    {
        return new ExchangeStateMachine(reportTradeBalances);
    }

    private ExchangeStateMachine(final boolean reportTradeBalances)
    {
        this.funds = new Funds(reportTradeBalances, events);
        this.matching = new Matching(funds, events, pools);
        this.snapshot = new ExchangeSnapshot(funds, matching, pools);
    }

    @Override
    public void apply(final Command command, final Output output)
    {
        final int commandType = command.type();
        if (command.version() > CommandBlocks.schemaVersion())
        {
            // Of any type: a message newer code added is of a newer version too, and taken for an unknown command the
            // rollback replayed past it to another state (a third reviewer's finding).
            // Newer code wrote it: read up to the block this code knows, it would be applied as something else (a
            // reviewer's finding: old code replayed such a journal to another state, silently). Thrown before any
            // change: the engine's error policy says what then happens, and replays count it as failed.
            throw new NewerCommandException("command " + (CommandTypes.name(commandType) != null ?
                CommandTypes.name(commandType) : "of type " + commandType) + " at position " +
                command.position() + " is of schema version " + command.version() + ", newer than this code's (" +
                CommandBlocks.schemaVersion() + "): newer code wrote it, and newer code is what can apply it",
                command.position());
        }
        events.begin(output, commandType);
        funds.beginCommand();
        this.lastPosition = command.position();
        final DirectBuffer payload = command.payload();
        final int length = command.payloadLength();
        final int version = command.version();
        if (!funds.configured() && commandType != CommandTypes.CONFIGURE)
        {
            events.reject(RejectReason.NOT_CONFIGURED, 0, 0);
            events.end();
            return;
        }
        switch (commandType)
        {
            case CommandTypes.CONFIGURE:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                configure.wrap(payload, 0, length, version);
                configure(configure.settingsVersion(), configure.maxAssets());
                break;

            case CommandTypes.ADD_INSTRUMENT:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                addInstrument.wrap(payload, 0, length, version);
                addInstrument(addInstrument.symbol(), addInstrument.baseAsset(), addInstrument.quoteAsset(),
                    addInstrument.tickSize(), addInstrument.lotSize());
                break;

            case CommandTypes.DEPOSIT:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                deposit.wrap(payload, 0, length, version);
                funds.deposit(deposit.account(), deposit.asset(), deposit.amount());
                break;

            case CommandTypes.WITHDRAW:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                withdraw.wrap(payload, 0, length, version);
                funds.withdraw(withdraw.account(), withdraw.asset(), withdraw.amount());
                break;

            case CommandTypes.PLACE_ORDER:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                place.wrap(payload, 0, length, version);
                matching.place(place.orderId(), place.account(), place.symbol(), place.side(), place.orderType(),
                    place.price(), place.quantity(), place.clientOrderId());
                break;

            case CommandTypes.CANCEL_ORDER:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                cancel.wrap(payload, 0, length, version);
                matching.cancel(cancel.orderId(), cancel.account());
                break;

            case CommandTypes.REDUCE_ORDER:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                reduce.wrap(payload, 0, length, version);
                matching.reduce(reduce.orderId(), reduce.account(), reduce.reduceBy());
                break;

            case CommandTypes.MOVE_ORDER:
                if (length < CommandBlocks.blockLength(commandType, version))
                {
                    events.reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                move.wrap(payload, 0, length, version);
                matching.move(move.orderId(), move.account(), move.newPrice());
                break;

            default:
                events.reject(RejectReason.UNKNOWN_COMMAND, 0, 0);
        }
        funds.flushBalances();
        events.end();
    }

    // ---------------------------------------------------------------- settings and instruments

    private void configure(final int settingsVersion, final int maxAssets)
    {
        if (funds.configured())
        {
            events.reject(RejectReason.ALREADY_CONFIGURED, 0, 0);
            return;
        }
        if (settingsVersion != CommandTypes.SETTINGS_VERSION || maxAssets < 2 || maxAssets > MAX_ASSETS)
        {
            events.reject(RejectReason.BAD_SETTINGS, 0, 0);
            return;
        }
        funds.configure(maxAssets);
    }

    private void addInstrument(final int symbol, final int base, final int quote, final long tick, final long lot)
    {
        events.about(symbol);
        if (matching.book(symbol) != null)
        {
            events.reject(RejectReason.DUPLICATE_SYMBOL, 0, 0);
            return;
        }
        if (!funds.validAsset(base) || !funds.validAsset(quote) || base == quote || tick <= 0 || lot <= 0)
        {
            events.reject(RejectReason.BAD_INSTRUMENT, 0, 0);
            return;
        }
        final Instrument instrument = new Instrument(symbol, base, quote, tick, lot);
        matching.list(instrument);
        events.instrumentAdded(instrument);
    }

    // ---------------------------------------------------------------- snapshot and hash

    /** Layout: see {@code ExchangeSnapshot}. */
    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        return snapshot.write(buffer, offset, lastPosition);
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        lastPosition = snapshot.load(buffer, offset, length);
        if (snapshotLoadedListener != null)
        {
            snapshotLoadedListener.onSnapshotLoaded(this);
        }
    }

    /**
     * Registers what to run once a snapshot has been loaded (at start-up, on the business-logic thread,
     * before the journal tail replays): typically seeding read models, which would otherwise see only
     * the tail's events.
     */
    public ExchangeStateMachine onSnapshotLoaded(final SnapshotLoadedListener listener)
    {
        this.snapshotLoadedListener = listener;
        return this;
    }

    /**
     * Trades so far, supplies, instruments and books in symbol and price order, and accounts combined by a
     * commutative sum, so neither hash-map layout nor the order accounts were opened matters.
     */
    @Override
    public long stateHash()
    {
        return snapshot.hash();
    }

    /** The {@link RejectReason} of a code: what {@code scripts/journal replay} counts rejections by. */
    @Override
    public String rejectionName(final int reasonCode)
    {
        final RejectReason reason = RejectReason.of(reasonCode);
        return reason == null ? null : reason.name();
    }

    // ---------------------------------------------------------------- queries (business-logic thread only)

    /** Asset ids are 0..maxAssets-1; 0 while the exchange waits for its settings. */
    public int maxAssets()
    {
        return funds.maxAssets();
    }

    /** Whether the exchange has its settings (from its constructor, its journal's first command, or a snapshot). */
    public boolean configured()
    {
        return funds.configured();
    }

    /** The instrument of a symbol, or null. */
    public Instrument instrument(final int symbol)
    {
        final OrderBook book = matching.book(symbol);
        return book == null ? null : book.instrument;
    }

    /** Listed symbols in ascending order. */
    public int[] symbols()
    {
        final int[] symbols = new int[matching.bookCount()];
        for (int i = 0; i < symbols.length; i++)
        {
            symbols[i] = matching.sortedBook(i).instrument.symbol();
        }
        return symbols;
    }

    /** Ids of all accounts, ascending. */
    public long[] accountIds()
    {
        return ExchangeSnapshot.accountIds(funds.accounts());
    }

    public boolean hasAccount(final long account)
    {
        return funds.account(account) != null;
    }

    /** Free balance of an asset, in asset units; 0 for an unknown account. */
    public long free(final long account, final int asset)
    {
        final Account a = funds.account(account);
        return a == null ? 0 : a.free[asset];
    }

    /** Balance held by resting orders, in asset units; 0 for an unknown account. */
    public long reserved(final long account, final int asset)
    {
        final Account a = funds.account(account);
        return a == null ? 0 : a.reserved[asset];
    }

    /** Deposits minus withdrawals of an asset: what all accounts hold between them, free plus reserved. */
    public long supply(final int asset)
    {
        return funds.supply(asset);
    }

    /** Position of the last command applied (or of the state a snapshot restored). */
    public long lastPosition()
    {
        return lastPosition;
    }

    /** Id of the last trade, which is also the number of trades so far. */
    public long lastTradeId()
    {
        return matching.lastTradeId();
    }

    /** Number of resting orders across all books. */
    public int liveOrders()
    {
        return matching.liveOrders();
    }

    public boolean isLive(final long orderId)
    {
        return matching.order(orderId) != null;
    }

    /** Remaining lots of a live order, or 0. */
    public long remaining(final long orderId)
    {
        final Order order = matching.order(orderId);
        return order == null ? 0 : order.remaining;
    }

    /** Price levels of one side of a symbol's book, best first; nothing for an unknown symbol. */
    public void forEachLevel(final int symbol, final Side side, final LevelVisitor visitor)
    {
        final OrderBook book = matching.book(symbol);
        if (book == null)
        {
            return;
        }
        final int s = side.code();
        for (int l = 0; l < book.levelCount(s); l++)
        {
            final PriceLevel level = book.level(s, l);
            visitor.level(level.price, level.totalQuantity, level.orderCount);
        }
    }

    /** Resting orders of one side of a symbol's book, in priority order; nothing for an unknown symbol. */
    public void forEachOrder(final int symbol, final Side side, final OrderVisitor visitor)
    {
        final OrderBook book = matching.book(symbol);
        if (book == null)
        {
            return;
        }
        final int s = side.code();
        for (int l = 0; l < book.levelCount(s); l++)
        {
            for (Order order = book.level(s, l).head; order != null; order = order.next)
            {
                visitor.order(order.orderId, order.account.id, order.price, order.remaining);
            }
        }
    }
}
