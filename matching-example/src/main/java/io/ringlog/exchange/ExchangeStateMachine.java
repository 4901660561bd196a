package io.ringlog.exchange;

import io.ringlog.core.Command;
import io.ringlog.core.Hashing;
import io.ringlog.core.Output;
import io.ringlog.core.StateMachine;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.EventTypes;
import io.ringlog.exchange.codec.command.AddInstrumentCommandDecoder;
import io.ringlog.exchange.codec.command.CancelOrderCommandDecoder;
import io.ringlog.exchange.codec.command.ConfigureCommandDecoder;
import io.ringlog.exchange.codec.command.DepositCommandDecoder;
import io.ringlog.exchange.codec.command.MoveOrderCommandDecoder;
import io.ringlog.exchange.codec.command.PlaceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.ReduceOrderCommandDecoder;
import io.ringlog.exchange.codec.command.WithdrawCommandDecoder;
import io.ringlog.exchange.codec.event.BalanceChangedEventEncoder;
import io.ringlog.exchange.codec.event.BookChangedEventEncoder;
import io.ringlog.exchange.codec.event.InstrumentAddedEventEncoder;
import io.ringlog.exchange.codec.event.OrderAcceptedEventEncoder;
import io.ringlog.exchange.codec.event.OrderCancelledEventEncoder;
import io.ringlog.exchange.codec.event.OrderMovedEventEncoder;
import io.ringlog.exchange.codec.event.OrderReducedEventEncoder;
import io.ringlog.exchange.codec.event.RejectedEventEncoder;
import io.ringlog.exchange.codec.event.TradeEventEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.ByteOrder;
import java.util.Arrays;

import static io.ringlog.exchange.Side.BUY_CODE;
import static io.ringlog.exchange.Side.SELL_CODE;

/**
 * The exchange: instruments, accounts and order books, changed only by {@link #apply} on the
 * business-logic thread. See the package documentation for units, funds and matching rules.
 * <p>
 * Construct one with {@link #ExchangeStateMachine()} (or with the number of asset ids and whether
 * trades report balances) and hand it to an {@code EngineContext}, with the exchange's upcasters
 * ({@link io.ringlog.exchange.codec.CommandUpcasters#create()}) so journals of older versions mean what
 * they meant. Commands are read at their version (SBE's acting version). The query methods
 * ({@link #free}, {@link #forEachLevel}, ...) read live state: call them on the business-logic
 * thread, or once the engine has stopped; other threads use read models built from the events.
 * <p>
 * Engine settings it needs: {@code maxPayloadLength} of at least {@link
 * PlaceOrderCommandDecoder#BLOCK_LENGTH} (the largest command), {@code maxEventPayloadLength}
 * of at least {@link TradeEventEncoder#BLOCK_LENGTH}, and an {@code outputRingSize} above the
 * most events one command can cause: about three per resting order an incoming order meets, plus four
 * balances per trade when they are reported. The defaults (256, 256, 65,536) fit.
 */
public final class ExchangeStateMachine implements StateMachine
{
    /** Asset ids 0..31 unless the constructor says otherwise. */
    public static final int DEFAULT_MAX_ASSETS = 32;
    /**
     * The most asset ids an exchange takes: every account keeps a free and a reserved balance of
     * each (16 bytes per asset per account), so this bounds an account at 16 KB.
     */
    public static final int MAX_ASSETS = 1024;

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

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** "EXS1" as a little-endian int: marks the start of an exchange snapshot. */
    private static final int SNAPSHOT_MAGIC = 0x31535845;
    private static final int SNAPSHOT_VERSION = 1;

    private int maxAssets;
    private boolean configured;
    private final boolean reportTradeBalances;
    private final Int2ObjectHashMap<OrderBook> books = new Int2ObjectHashMap<>();
    private OrderBook[] sortedBooks = new OrderBook[8];
    private int bookCount;
    private final Long2ObjectHashMap<Account> accounts = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Order> orders = new Long2ObjectHashMap<>(1 << 16, 0.65f);
    private long[] supply;
    private long lastTradeId;
    private long lastPosition;
    private SnapshotLoadedListener snapshotLoadedListener;

    private Order[] orderPool = new Order[1 << 12];
    private int pooledOrders;
    private PriceLevel[] levelPool = new PriceLevel[1 << 10];
    private int pooledLevels;

    private Account[] dirtyAccounts = new Account[64];
    private int[] dirtyAssets = new int[64];
    private int dirtyCount;
    private long stamp;
    private boolean stoppedByFunds;

    private Output output;
    private int commandType;

    private final AddInstrumentCommandDecoder addInstrument = new AddInstrumentCommandDecoder();
    private final DepositCommandDecoder deposit = new DepositCommandDecoder();
    private final WithdrawCommandDecoder withdraw = new WithdrawCommandDecoder();
    private final PlaceOrderCommandDecoder place = new PlaceOrderCommandDecoder();
    private final CancelOrderCommandDecoder cancel = new CancelOrderCommandDecoder();
    private final ReduceOrderCommandDecoder reduce = new ReduceOrderCommandDecoder();
    private final MoveOrderCommandDecoder move = new MoveOrderCommandDecoder();
    private final ConfigureCommandDecoder configure = new ConfigureCommandDecoder();

    private final InstrumentAddedEventEncoder instrumentAdded = new InstrumentAddedEventEncoder();
    private final OrderAcceptedEventEncoder accepted = new OrderAcceptedEventEncoder();
    private final TradeEventEncoder trade = new TradeEventEncoder();
    private final OrderCancelledEventEncoder cancelled = new OrderCancelledEventEncoder();
    private final OrderReducedEventEncoder reduced = new OrderReducedEventEncoder();
    private final OrderMovedEventEncoder moved = new OrderMovedEventEncoder();
    private final BookChangedEventEncoder bookChanged = new BookChangedEventEncoder();
    private final BalanceChangedEventEncoder balanceChanged = new BalanceChangedEventEncoder();
    private final RejectedEventEncoder rejected = new RejectedEventEncoder();

    /** Asset ids 0..{@value #DEFAULT_MAX_ASSETS}-1, and trades report the balances they change. */
    public ExchangeStateMachine()
    {
        this(DEFAULT_MAX_ASSETS, true);
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
        settle(maxAssets);
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
        this.reportTradeBalances = reportTradeBalances;
        this.supply = new long[0];
        for (int i = 0; i < orderPool.length; i++)
        {
            orderPool[i] = new Order();
        }
        pooledOrders = orderPool.length;
        for (int i = 0; i < levelPool.length; i++)
        {
            levelPool[i] = new PriceLevel();
        }
        pooledLevels = levelPool.length;
    }

    private void settle(final int maxAssets)
    {
        this.maxAssets = maxAssets;
        this.supply = new long[maxAssets];
        this.configured = true;
    }

    @Override
    public void apply(final Command command, final Output output)
    {
        this.output = output;
        this.commandType = command.type();
        this.lastPosition = command.position();
        stamp++;
        final DirectBuffer payload = command.payload();
        final int length = command.payloadLength();
        final int version = command.version();
        if (!configured && commandType != CommandTypes.CONFIGURE)
        {
            reject(RejectReason.NOT_CONFIGURED, 0, 0);
            this.output = null;
            return;
        }
        switch (commandType)
        {
            case CommandTypes.CONFIGURE:
                if (length < ConfigureCommandDecoder.BLOCK_LENGTH)
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                configure.wrap(payload, 0, length, version);
                configure(configure.settingsVersion(), configure.maxAssets());
                break;

            case CommandTypes.ADD_INSTRUMENT:
                if (length < AddInstrumentCommandDecoder.BLOCK_LENGTH)
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                addInstrument.wrap(payload, 0, length, version);
                addInstrument(addInstrument.symbol(), addInstrument.baseAsset(), addInstrument.quoteAsset(),
                    addInstrument.tickSize(), addInstrument.lotSize());
                break;

            case CommandTypes.DEPOSIT:
                if (length < DepositCommandDecoder.BLOCK_LENGTH)
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                deposit.wrap(payload, 0, length, version);
                deposit(deposit.account(), deposit.asset(), deposit.amount());
                break;

            case CommandTypes.WITHDRAW:
                if (length < WithdrawCommandDecoder.BLOCK_LENGTH)
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                withdraw.wrap(payload, 0, length, version);
                withdraw(withdraw.account(), withdraw.asset(), withdraw.amount());
                break;

            case CommandTypes.PLACE_ORDER:
                if (length < placeBlockLength(version))
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                place.wrap(payload, 0, length, version);
                placeOrder(place.orderId(), place.account(), place.symbol(), place.side(), place.orderType(),
                    place.price(), place.quantity(), place.clientOrderId());
                break;

            case CommandTypes.CANCEL_ORDER:
                if (length < CancelOrderCommandDecoder.BLOCK_LENGTH)
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                cancel.wrap(payload, 0, length, version);
                cancelOrder(cancel.orderId(), cancel.account());
                break;

            case CommandTypes.REDUCE_ORDER:
                if (length < ReduceOrderCommandDecoder.BLOCK_LENGTH)
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                reduce.wrap(payload, 0, length, version);
                reduceOrder(reduce.orderId(), reduce.account(), reduce.reduceBy());
                break;

            case CommandTypes.MOVE_ORDER:
                if (length < MoveOrderCommandDecoder.BLOCK_LENGTH)
                {
                    reject(RejectReason.MALFORMED, 0, 0);
                    break;
                }
                move.wrap(payload, 0, length, version);
                moveOrder(move.orderId(), move.account(), move.newPrice());
                break;

            default:
                reject(RejectReason.UNKNOWN_COMMAND, 0, 0);
        }
        flushBalances();
        this.output = null;
    }

    /**
     * The block a place of {@code version} must hold. Versions only append, so version 1's ends where the
     * field version 2 added starts. Read at version 1 (when no upcaster ran), that field is null.
     */
    private static int placeBlockLength(final int version)
    {
        return version < PlaceOrderCommandDecoder.clientOrderIdSinceVersion() ?
            PlaceOrderCommandDecoder.clientOrderIdEncodingOffset() : PlaceOrderCommandDecoder.BLOCK_LENGTH;
    }

    // ---------------------------------------------------------------- admin and funds

    private void configure(final int settingsVersion, final int maxAssets)
    {
        if (configured)
        {
            reject(RejectReason.ALREADY_CONFIGURED, 0, 0);
            return;
        }
        if (settingsVersion != CommandTypes.SETTINGS_VERSION || maxAssets < 2 || maxAssets > MAX_ASSETS)
        {
            reject(RejectReason.BAD_SETTINGS, 0, 0);
            return;
        }
        settle(maxAssets);
    }

    private void addInstrument(final int symbol, final int base, final int quote, final long tick, final long lot)
    {
        if (books.containsKey(symbol))
        {
            reject(RejectReason.DUPLICATE_SYMBOL, 0, 0);
            return;
        }
        if (!validAsset(base) || !validAsset(quote) || base == quote || tick <= 0 || lot <= 0)
        {
            reject(RejectReason.BAD_INSTRUMENT, 0, 0);
            return;
        }
        final Instrument instrument = new Instrument(symbol, base, quote, tick, lot);
        list(instrument);
        instrumentAdded.wrap(claim(EventTypes.INSTRUMENT_ADDED, InstrumentAddedEventEncoder.BLOCK_LENGTH), 0)
            .symbol(symbol).baseAsset(base).quoteAsset(quote).tickSize(tick).lotSize(lot);
        output.commit(InstrumentAddedEventEncoder.BLOCK_LENGTH);
    }

    private void list(final Instrument instrument)
    {
        final OrderBook book = new OrderBook(instrument);
        books.put(instrument.symbol(), book);
        if (bookCount == sortedBooks.length)
        {
            sortedBooks = Arrays.copyOf(sortedBooks, bookCount * 2);
        }
        int index = bookCount;
        while (index > 0 && sortedBooks[index - 1].instrument.symbol() > instrument.symbol())
        {
            sortedBooks[index] = sortedBooks[index - 1];
            index--;
        }
        sortedBooks[index] = book;
        bookCount++;
    }

    private boolean validAsset(final int asset)
    {
        return asset >= 0 && asset < maxAssets;
    }

    private void deposit(final long accountId, final int asset, final long amount)
    {
        if (!validAsset(asset))
        {
            reject(RejectReason.UNKNOWN_ASSET, 0, accountId);
            return;
        }
        if (amount <= 0 || amount > Long.MAX_VALUE - supply[asset])
        {
            reject(RejectReason.BAD_AMOUNT, 0, accountId);
            return;
        }
        Account account = accounts.get(accountId);
        if (account == null)
        {
            account = new Account(accountId, maxAssets);
            accounts.put(accountId, account);
        }
        supply[asset] += amount;
        account.free[asset] += amount;
        emitBalance(account, asset);
    }

    private void withdraw(final long accountId, final int asset, final long amount)
    {
        final Account account = accounts.get(accountId);
        if (account == null)
        {
            reject(RejectReason.UNKNOWN_ACCOUNT, 0, accountId);
            return;
        }
        if (!validAsset(asset))
        {
            reject(RejectReason.UNKNOWN_ASSET, 0, accountId);
            return;
        }
        if (amount <= 0)
        {
            reject(RejectReason.BAD_AMOUNT, 0, accountId);
            return;
        }
        if (account.free[asset] < amount)
        {
            reject(RejectReason.INSUFFICIENT_FUNDS, 0, accountId);
            return;
        }
        supply[asset] -= amount;
        account.free[asset] -= amount;
        emitBalance(account, asset);
    }

    // ---------------------------------------------------------------- orders

    private void placeOrder(
        final long orderId,
        final long accountId,
        final int symbol,
        final int side,
        final int type,
        final long requestedPrice,
        final long quantity,
        final long clientOrderId)
    {
        final OrderBook book = books.get(symbol);
        if (book == null)
        {
            reject(RejectReason.UNKNOWN_SYMBOL, orderId, accountId);
            return;
        }
        final Account account = accounts.get(accountId);
        if (account == null)
        {
            reject(RejectReason.UNKNOWN_ACCOUNT, orderId, accountId);
            return;
        }
        if (side != BUY_CODE && side != SELL_CODE)
        {
            reject(RejectReason.BAD_SIDE, orderId, accountId);
            return;
        }
        if (type < OrderType.GTC_CODE || type > OrderType.MARKET_CODE)
        {
            reject(RejectReason.BAD_ORDER_TYPE, orderId, accountId);
            return;
        }
        final Instrument instrument = book.instrument;
        if (quantity <= 0 || quantity > instrument.maxQuantity())
        {
            reject(RejectReason.BAD_QUANTITY, orderId, accountId);
            return;
        }
        final boolean market = type == OrderType.MARKET_CODE;
        final long price = market ? 0 : requestedPrice;
        if (!market)
        {
            if (price <= 0 || price % instrument.tickSize() != 0)
            {
                reject(RejectReason.BAD_PRICE, orderId, accountId);
                return;
            }
            if (quantity > Long.MAX_VALUE / price)
            {
                reject(RejectReason.BAD_QUANTITY, orderId, accountId);
                return;
            }
        }
        if (orders.containsKey(orderId))
        {
            reject(RejectReason.DUPLICATE_ORDER_ID, orderId, accountId);
            return;
        }
        if (side == BUY_CODE)
        {
            final long freeQuote = account.free[instrument.quoteAsset()];
            if (market)
            {
                final PriceLevel bestAsk = book.best(SELL_CODE);
                if (bestAsk != null && freeQuote < bestAsk.price)
                {
                    reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
                    return;
                }
            }
            else if (freeQuote < price * quantity)
            {
                reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
                return;
            }
        }
        else if (account.free[instrument.baseAsset()] < quantity * instrument.lotSize())
        {
            reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
            return;
        }
        if (type == OrderType.FOK_CODE && fillable(book, account, side, price, quantity) < quantity)
        {
            reject(RejectReason.CANNOT_FILL, orderId, accountId);
            return;
        }

        accepted.wrap(claim(EventTypes.ORDER_ACCEPTED, OrderAcceptedEventEncoder.BLOCK_LENGTH), 0).orderId(orderId)
            .account(accountId).price(price).quantity(quantity).symbol(symbol).side((byte)side).orderType((byte)type)
            .clientOrderId(clientOrderId);
        output.commit(OrderAcceptedEventEncoder.BLOCK_LENGTH);

        final Order order = acquireOrder();
        order.orderId = orderId;
        order.account = account;
        order.side = side;
        order.price = price;
        order.remaining = quantity;
        order.book = book;
        reserve(order, instrument);

        match(book, order, market);
        if (order.remaining > 0)
        {
            if (type == OrderType.GTC_CODE)
            {
                rest(book, order);
                return;
            }
            releaseReservation(order, instrument, order.remaining);
            emitCancelled(order, order.remaining, stoppedByFunds ? CancelReason.INSUFFICIENT_FUNDS : CancelReason.UNFILLED);
        }
        releaseOrder(order);
    }

    /** Lots an incoming order could fill at once: other accounts' orders at acceptable prices. */
    private static long fillable(
        final OrderBook book, final Account account, final int side, final long limitPrice, final long wanted)
    {
        final int opposite = 1 - side;
        long total = 0;
        final int levels = book.levelCount(opposite);
        for (int i = 0; i < levels && total < wanted; i++)
        {
            final PriceLevel level = book.level(opposite, i);
            if (side == BUY_CODE ? level.price > limitPrice : level.price < limitPrice)
            {
                break;
            }
            for (Order order = level.head; order != null && total < wanted; order = order.next)
            {
                if (order.account != account)
                {
                    // Capped at what is still wanted, so the sum cannot overflow however deep the book.
                    total += Math.min(order.remaining, wanted - total);
                }
            }
        }
        return total;
    }

    /**
     * Matches an incoming order against the other side, best price first and oldest first within a
     * price, at the resting order's price. A resting order of the same account is cancelled rather
     * than traded against. Leaves {@code stoppedByFunds} set when a market buy ran out of quote.
     */
    private void match(final OrderBook book, final Order taker, final boolean market)
    {
        stoppedByFunds = false;
        final Instrument instrument = book.instrument;
        final int opposite = 1 - taker.side;
        final boolean buy = taker.side == BUY_CODE;
        final Account takerAccount = taker.account;
        while (taker.remaining > 0)
        {
            final PriceLevel level = book.best(opposite);
            if (level == null)
            {
                break;
            }
            final long price = level.price;
            if (!market && (buy ? price > taker.price : price < taker.price))
            {
                break;
            }
            Order maker = level.head;
            while (maker != null && taker.remaining > 0)
            {
                final Order next = maker.next;
                if (maker.account == takerAccount)
                {
                    final long quantity = maker.remaining;
                    level.remove(maker);
                    orders.remove(maker.orderId);
                    releaseReservation(maker, instrument, quantity);
                    emitCancelled(maker, quantity, CancelReason.SELF_TRADE);
                    releaseOrder(maker);
                }
                else
                {
                    long quantity = Math.min(taker.remaining, maker.remaining);
                    if (market && buy)
                    {
                        final long affordable = takerAccount.free[instrument.quoteAsset()] / price;
                        if (affordable < quantity)
                        {
                            // What is left of free quote after this fill buys no lot at this or any worse price.
                            stoppedByFunds = true;
                            if (affordable == 0)
                            {
                                break;
                            }
                            quantity = affordable;
                        }
                    }
                    trade(instrument, taker, maker, price, quantity);
                    if (maker.remaining == 0)
                    {
                        level.remove(maker);
                        orders.remove(maker.orderId);
                        releaseOrder(maker);
                    }
                    if (stoppedByFunds)
                    {
                        break;
                    }
                }
                maker = next;
            }
            emitBookChanged(instrument.symbol(), level);
            if (level.orderCount == 0)
            {
                book.remove(level);
                releaseLevel(level);
            }
            if (stoppedByFunds)
            {
                break;
            }
        }
    }

    /**
     * Settles one fill at the maker's price. The taker's reservation was made at its own price
     * (zero for a market buy, which pays from free quote), so a buyer filled at a better price gets
     * the difference back.
     */
    private void trade(
        final Instrument instrument, final Order taker, final Order maker, final long price, final long quantity)
    {
        final int base = instrument.baseAsset();
        final int quote = instrument.quoteAsset();
        final long baseAmount = quantity * instrument.lotSize();
        final long value = price * quantity;
        final Order buyer = taker.side == BUY_CODE ? taker : maker;
        final Order seller = taker.side == BUY_CODE ? maker : taker;
        final Account buyerAccount = buyer.account;
        final Account sellerAccount = seller.account;
        final long buyerReserved = buyer.price * quantity;

        buyerAccount.reserved[quote] -= buyerReserved;
        buyerAccount.free[quote] += buyerReserved - value;
        buyerAccount.free[base] += baseAmount;
        sellerAccount.reserved[base] -= baseAmount;
        sellerAccount.free[quote] += value;
        touch(buyerAccount, quote);
        touch(buyerAccount, base);
        touch(sellerAccount, base);
        touch(sellerAccount, quote);

        maker.remaining -= quantity;
        maker.level.totalQuantity -= quantity;
        taker.remaining -= quantity;

        trade.wrap(claim(EventTypes.TRADE, TradeEventEncoder.BLOCK_LENGTH), 0).tradeId(++lastTradeId)
            .makerOrderId(maker.orderId).takerOrderId(taker.orderId).makerAccount(maker.account.id)
            .takerAccount(taker.account.id).price(price).quantity(quantity).makerRemaining(maker.remaining)
            .takerRemaining(taker.remaining).symbol(instrument.symbol()).takerSide((byte)taker.side);
        output.commit(TradeEventEncoder.BLOCK_LENGTH);
    }

    private void rest(final OrderBook book, final Order order)
    {
        PriceLevel level = book.find(order.side, order.price);
        if (level == null)
        {
            level = acquireLevel();
            level.init(order.side, order.price);
            book.insert(level);
        }
        level.append(order);
        orders.put(order.orderId, order);
        emitBookChanged(book.instrument.symbol(), level);
    }

    /** Takes a resting order out of its level and the id index, reporting the level's change. */
    private void unlink(final Order order)
    {
        final PriceLevel level = order.level;
        level.remove(order);
        orders.remove(order.orderId);
        emitBookChanged(order.book.instrument.symbol(), level);
        if (level.orderCount == 0)
        {
            order.book.remove(level);
            releaseLevel(level);
        }
    }

    /** The live order if the account may change it; otherwise rejects and returns null. */
    private Order ownedOrder(final long orderId, final long accountId)
    {
        final Order order = orders.get(orderId);
        if (order == null)
        {
            reject(RejectReason.UNKNOWN_ORDER, orderId, accountId);
            return null;
        }
        if (order.account.id != accountId)
        {
            reject(RejectReason.NOT_OWNER, orderId, accountId);
            return null;
        }
        return order;
    }

    private void cancelOrder(final long orderId, final long accountId)
    {
        final Order order = ownedOrder(orderId, accountId);
        if (order == null)
        {
            return;
        }
        final long quantity = order.remaining;
        final OrderBook book = order.book;
        unlink(order);
        releaseReservation(order, book.instrument, quantity);
        emitCancelled(order, quantity, CancelReason.USER);
        releaseOrder(order);
    }

    private void reduceOrder(final long orderId, final long accountId, final long reduceBy)
    {
        final Order order = ownedOrder(orderId, accountId);
        if (order == null)
        {
            return;
        }
        if (reduceBy <= 0)
        {
            reject(RejectReason.BAD_QUANTITY, orderId, accountId);
            return;
        }
        final OrderBook book = order.book;
        final long quantity = Math.min(reduceBy, order.remaining);
        releaseReservation(order, book.instrument, quantity);
        if (quantity == order.remaining)
        {
            unlink(order);
            order.remaining = 0;
        }
        else
        {
            order.remaining -= quantity;
            order.level.totalQuantity -= quantity;
            emitBookChanged(book.instrument.symbol(), order.level);
        }
        reduced.wrap(claim(EventTypes.ORDER_REDUCED, OrderReducedEventEncoder.BLOCK_LENGTH), 0).orderId(orderId)
            .account(accountId).price(order.price).reducedBy(quantity).remaining(order.remaining)
            .symbol(book.instrument.symbol()).side((byte)order.side);
        output.commit(OrderReducedEventEncoder.BLOCK_LENGTH);
        if (order.remaining == 0)
        {
            releaseOrder(order);
        }
    }

    private void moveOrder(final long orderId, final long accountId, final long newPrice)
    {
        final Order order = ownedOrder(orderId, accountId);
        if (order == null)
        {
            return;
        }
        final OrderBook book = order.book;
        final Instrument instrument = book.instrument;
        if (newPrice <= 0 || newPrice % instrument.tickSize() != 0)
        {
            reject(RejectReason.BAD_PRICE, orderId, accountId);
            return;
        }
        if (order.remaining > Long.MAX_VALUE / newPrice)
        {
            reject(RejectReason.BAD_QUANTITY, orderId, accountId);
            return;
        }
        final Account account = order.account;
        final int quote = instrument.quoteAsset();
        final long extra = order.side == BUY_CODE ? (newPrice - order.price) * order.remaining : 0;
        if (extra > account.free[quote])
        {
            reject(RejectReason.INSUFFICIENT_FUNDS, orderId, accountId);
            return;
        }
        final long oldPrice = order.price;
        unlink(order);
        if (extra != 0)
        {
            account.free[quote] -= extra;
            account.reserved[quote] += extra;
            touch(account, quote);
        }
        order.price = newPrice;
        moved.wrap(claim(EventTypes.ORDER_MOVED, OrderMovedEventEncoder.BLOCK_LENGTH), 0).orderId(orderId)
            .account(accountId).oldPrice(oldPrice).newPrice(newPrice).remaining(order.remaining)
            .symbol(instrument.symbol()).side((byte)order.side);
        output.commit(OrderMovedEventEncoder.BLOCK_LENGTH);

        match(book, order, false);
        if (order.remaining > 0)
        {
            rest(book, order);
        }
        else
        {
            releaseOrder(order);
        }
    }

    private void reserve(final Order order, final Instrument instrument)
    {
        final Account account = order.account;
        final int asset;
        final long amount;
        if (order.side == BUY_CODE)
        {
            asset = instrument.quoteAsset();
            amount = order.price * order.remaining;
        }
        else
        {
            asset = instrument.baseAsset();
            amount = order.remaining * instrument.lotSize();
        }
        if (amount != 0)
        {
            account.free[asset] -= amount;
            account.reserved[asset] += amount;
            touch(account, asset);
        }
    }

    /** Returns to free what {@code quantity} lots of the order held in reserve. */
    private void releaseReservation(final Order order, final Instrument instrument, final long quantity)
    {
        final Account account = order.account;
        final int asset;
        final long amount;
        if (order.side == BUY_CODE)
        {
            asset = instrument.quoteAsset();
            amount = order.price * quantity;
        }
        else
        {
            asset = instrument.baseAsset();
            amount = quantity * instrument.lotSize();
        }
        if (amount != 0)
        {
            account.reserved[asset] -= amount;
            account.free[asset] += amount;
            touch(account, asset);
        }
    }

    // ---------------------------------------------------------------- events

    private void reject(final RejectReason reason, final long orderId, final long accountId)
    {
        // The engine writes the reason at offset 0; the encoder writes the same value there with the rest.
        final MutableDirectBuffer buffer = output.claimRejection(reason.code());
        rejected.wrap(buffer, 0).reason(reason.code()).commandType(commandType).orderId(orderId).account(accountId);
        output.commit(RejectedEventEncoder.BLOCK_LENGTH);
    }

    private void emitCancelled(final Order order, final long quantity, final CancelReason reason)
    {
        cancelled.wrap(claim(EventTypes.ORDER_CANCELLED, OrderCancelledEventEncoder.BLOCK_LENGTH), 0)
            .orderId(order.orderId).account(order.account.id).price(order.price).quantity(quantity)
            .symbol(order.book.instrument.symbol()).side((byte)order.side).reason((byte)reason.code());
        output.commit(OrderCancelledEventEncoder.BLOCK_LENGTH);
    }

    private void emitBookChanged(final int symbol, final PriceLevel level)
    {
        bookChanged.wrap(claim(EventTypes.BOOK_CHANGED, BookChangedEventEncoder.BLOCK_LENGTH), 0).price(level.price)
            .totalQuantity(level.totalQuantity).symbol(symbol).orderCount(level.orderCount).side((byte)level.side);
        output.commit(BookChangedEventEncoder.BLOCK_LENGTH);
    }

    private void emitBalance(final Account account, final int asset)
    {
        balanceChanged.wrap(claim(EventTypes.BALANCE_CHANGED, BalanceChangedEventEncoder.BLOCK_LENGTH), 0)
            .account(account.id).free(account.free[asset]).reserved(account.reserved[asset]).asset(asset);
        output.commit(BalanceChangedEventEncoder.BLOCK_LENGTH);
    }

    /** Claims an event with its block zeroed, so its padding never carries the bytes of an earlier event. */
    private MutableDirectBuffer claim(final int type, final int blockLength)
    {
        final MutableDirectBuffer buffer = output.claim(type);
        buffer.setMemory(0, blockLength, (byte)0);
        return buffer;
    }

    /** Notes a balance changed by this command; each is reported once, at the end of the command. */
    private void touch(final Account account, final int asset)
    {
        if (!reportTradeBalances || account.touched[asset] == stamp)
        {
            return;
        }
        account.touched[asset] = stamp;
        if (dirtyCount == dirtyAccounts.length)
        {
            dirtyAccounts = Arrays.copyOf(dirtyAccounts, dirtyCount * 2);
            dirtyAssets = Arrays.copyOf(dirtyAssets, dirtyCount * 2);
        }
        dirtyAccounts[dirtyCount] = account;
        dirtyAssets[dirtyCount] = asset;
        dirtyCount++;
    }

    private void flushBalances()
    {
        for (int i = 0; i < dirtyCount; i++)
        {
            emitBalance(dirtyAccounts[i], dirtyAssets[i]);
            dirtyAccounts[i] = null;
        }
        dirtyCount = 0;
    }

    // ---------------------------------------------------------------- pools

    private Order acquireOrder()
    {
        if (pooledOrders == 0)
        {
            return new Order();
        }
        final Order order = orderPool[--pooledOrders];
        orderPool[pooledOrders] = null;
        return order;
    }

    private void releaseOrder(final Order order)
    {
        order.clear();
        if (pooledOrders == orderPool.length)
        {
            orderPool = Arrays.copyOf(orderPool, pooledOrders * 2);
        }
        orderPool[pooledOrders++] = order;
    }

    private PriceLevel acquireLevel()
    {
        if (pooledLevels == 0)
        {
            return new PriceLevel();
        }
        final PriceLevel level = levelPool[--pooledLevels];
        levelPool[pooledLevels] = null;
        return level;
    }

    private void releaseLevel(final PriceLevel level)
    {
        level.init(0, 0);
        if (pooledLevels == levelPool.length)
        {
            levelPool = Arrays.copyOf(levelPool, pooledLevels * 2);
        }
        levelPool[pooledLevels++] = level;
    }

    // ---------------------------------------------------------------- snapshot and hash

    /**
     * Layout, little-endian: magic "EXS1", version, maxAssets, then the last trade id, the position of
     * the last command applied (kept for read models, not part of the hash), the supply of
     * each asset, the instruments by symbol, the accounts by id (free and reserved of every asset), and
     * for each book by symbol its resting orders, bids then asks, best level first, oldest first:
     * <pre>
     * header:      magic (4) | version (4) | maxAssets (4) | lastTradeId (8) | lastPosition (8) | supply (8 x maxAssets)
     * instruments: count (4) | { symbol (4) | base (4) | quote (4) | tick (8) | lot (8) } x count
     * accounts:    count (4) | { id (8) | { free (8) | reserved (8) } x maxAssets } x count
     * books:       { orderCount (4) | { orderId (8) | account (8) | price (8) | remaining (8) | side (4) } x orderCount } x instruments
     * </pre>
     * Loading appends the orders in that order, which rebuilds the same levels and queues.
     */
    @Override
    public int writeSnapshot(final MutableDirectBuffer buffer, final int offset)
    {
        int at = offset;
        buffer.putInt(at, SNAPSHOT_MAGIC, LE);
        buffer.putInt(at + 4, SNAPSHOT_VERSION, LE);
        buffer.putInt(at + 8, maxAssets, LE);
        buffer.putLong(at + 12, lastTradeId, LE);
        buffer.putLong(at + 20, lastPosition, LE);
        at += 28;
        for (int asset = 0; asset < maxAssets; asset++)
        {
            buffer.putLong(at, supply[asset], LE);
            at += 8;
        }
        buffer.putInt(at, bookCount, LE);
        at += 4;
        for (int i = 0; i < bookCount; i++)
        {
            final Instrument instrument = sortedBooks[i].instrument;
            buffer.putInt(at, instrument.symbol(), LE);
            buffer.putInt(at + 4, instrument.baseAsset(), LE);
            buffer.putInt(at + 8, instrument.quoteAsset(), LE);
            buffer.putLong(at + 12, instrument.tickSize(), LE);
            buffer.putLong(at + 20, instrument.lotSize(), LE);
            at += 28;
        }
        final long[] ids = accountIds();
        buffer.putInt(at, ids.length, LE);
        at += 4;
        for (final long id : ids)
        {
            final Account account = accounts.get(id);
            buffer.putLong(at, id, LE);
            at += 8;
            for (int asset = 0; asset < maxAssets; asset++)
            {
                buffer.putLong(at, account.free[asset], LE);
                buffer.putLong(at + 8, account.reserved[asset], LE);
                at += 16;
            }
        }
        for (int i = 0; i < bookCount; i++)
        {
            final OrderBook book = sortedBooks[i];
            final int countAt = at;
            at += 4;
            int count = 0;
            for (int side = BUY_CODE; side <= SELL_CODE; side++)
            {
                for (int l = 0; l < book.levelCount(side); l++)
                {
                    for (Order order = book.level(side, l).head; order != null; order = order.next)
                    {
                        buffer.putLong(at, order.orderId, LE);
                        buffer.putLong(at + 8, order.account.id, LE);
                        buffer.putLong(at + 16, order.price, LE);
                        buffer.putLong(at + 24, order.remaining, LE);
                        buffer.putInt(at + 32, order.side, LE);
                        at += 36;
                        count++;
                    }
                }
            }
            buffer.putInt(countAt, count, LE);
        }
        return at - offset;
    }

    @Override
    public void loadSnapshot(final DirectBuffer buffer, final int offset, final int length)
    {
        int at = offset;
        if (length < 28 || buffer.getInt(at, LE) != SNAPSHOT_MAGIC)
        {
            throw new IllegalArgumentException("not an exchange snapshot");
        }
        final int version = buffer.getInt(at + 4, LE);
        if (version != SNAPSHOT_VERSION)
        {
            throw new IllegalArgumentException("exchange snapshot version " + version + ", this code reads " +
                SNAPSHOT_VERSION);
        }
        final int snapshotAssets = buffer.getInt(at + 8, LE);
        if (!configured && snapshotAssets >= 2 && snapshotAssets <= MAX_ASSETS)
        {
            // Taken after the journal's CONFIGURE: the settings come with the state.
            settle(snapshotAssets);
        }
        if (snapshotAssets != maxAssets)
        {
            throw new IllegalArgumentException("snapshot has " + snapshotAssets + " assets, this exchange " + maxAssets);
        }
        if (bookCount != 0 || !accounts.isEmpty())
        {
            throw new IllegalStateException("loadSnapshot needs a fresh exchange");
        }
        lastTradeId = buffer.getLong(at + 12, LE);
        lastPosition = buffer.getLong(at + 20, LE);
        at += 28;
        for (int asset = 0; asset < maxAssets; asset++)
        {
            supply[asset] = buffer.getLong(at, LE);
            at += 8;
        }
        final int instruments = buffer.getInt(at, LE);
        at += 4;
        for (int i = 0; i < instruments; i++)
        {
            list(new Instrument(buffer.getInt(at, LE), buffer.getInt(at + 4, LE), buffer.getInt(at + 8, LE),
                buffer.getLong(at + 12, LE), buffer.getLong(at + 20, LE)));
            at += 28;
        }
        final int accountCount = buffer.getInt(at, LE);
        at += 4;
        for (int i = 0; i < accountCount; i++)
        {
            final Account account = new Account(buffer.getLong(at, LE), maxAssets);
            at += 8;
            for (int asset = 0; asset < maxAssets; asset++)
            {
                account.free[asset] = buffer.getLong(at, LE);
                account.reserved[asset] = buffer.getLong(at + 8, LE);
                at += 16;
            }
            accounts.put(account.id, account);
        }
        for (int i = 0; i < bookCount; i++)
        {
            final OrderBook book = sortedBooks[i];
            final int count = buffer.getInt(at, LE);
            at += 4;
            for (int o = 0; o < count; o++)
            {
                final Order order = acquireOrder();
                order.orderId = buffer.getLong(at, LE);
                order.account = accounts.get(buffer.getLong(at + 8, LE));
                order.price = buffer.getLong(at + 16, LE);
                order.remaining = buffer.getLong(at + 24, LE);
                order.side = buffer.getInt(at + 32, LE);
                order.book = book;
                at += 36;
                if (order.account == null)
                {
                    throw new IllegalArgumentException("snapshot order " + order.orderId + " has an unknown account");
                }
                final int side = order.side;
                PriceLevel level = book.levelCount(side) == 0 ? null : book.level(side, book.levelCount(side) - 1);
                if (level == null || level.price != order.price)
                {
                    level = acquireLevel();
                    level.init(side, order.price);
                    book.insert(level);
                }
                level.append(order);
                orders.put(order.orderId, order);
            }
        }
        if (at - offset != length)
        {
            throw new IllegalArgumentException("exchange snapshot of " + length + " bytes held " + (at - offset));
        }
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
     * Hash of the logical state: trades so far, supplies, instruments and books in symbol and price
     * order, and accounts combined by a commutative sum, so neither hash-map layout nor the order
     * accounts were opened matters.
     */
    @Override
    public long stateHash()
    {
        long hash = Hashing.combine(SNAPSHOT_VERSION, lastTradeId);
        for (int asset = 0; asset < maxAssets; asset++)
        {
            hash = Hashing.combine(hash, supply[asset]);
        }
        for (int i = 0; i < bookCount; i++)
        {
            final OrderBook book = sortedBooks[i];
            final Instrument instrument = book.instrument;
            hash = Hashing.combine(hash, instrument.symbol());
            hash = Hashing.combine(hash, ((long)instrument.baseAsset() << 32) | instrument.quoteAsset());
            hash = Hashing.combine(hash, instrument.tickSize());
            hash = Hashing.combine(hash, instrument.lotSize());
            for (int side = BUY_CODE; side <= SELL_CODE; side++)
            {
                hash = Hashing.combine(hash, book.levelCount(side));
                for (int l = 0; l < book.levelCount(side); l++)
                {
                    final PriceLevel level = book.level(side, l);
                    hash = Hashing.combine(hash, level.price);
                    hash = Hashing.combine(hash, level.totalQuantity);
                    hash = Hashing.combine(hash, level.orderCount);
                    for (Order order = level.head; order != null; order = order.next)
                    {
                        hash = Hashing.combine(hash, order.orderId);
                        hash = Hashing.combine(hash, order.account.id);
                        hash = Hashing.combine(hash, order.remaining);
                    }
                }
            }
        }
        long accountsHash = 0;
        for (final Account account : accounts.values())
        {
            long h = Hashing.mix(account.id);
            for (int asset = 0; asset < maxAssets; asset++)
            {
                h = Hashing.combine(h, account.free[asset]);
                h = Hashing.combine(h, account.reserved[asset]);
            }
            accountsHash += h;
        }
        return Hashing.combine(Hashing.combine(hash, accounts.size()), accountsHash);
    }

    // ---------------------------------------------------------------- queries (business-logic thread only)

    /** Asset ids are 0..maxAssets-1; 0 while the exchange waits for its settings. */
    public int maxAssets()
    {
        return maxAssets;
    }

    /** Whether the exchange has its settings (from its constructor, its journal's first command, or a snapshot). */
    public boolean configured()
    {
        return configured;
    }

    /** The instrument of a symbol, or null. */
    public Instrument instrument(final int symbol)
    {
        final OrderBook book = books.get(symbol);
        return book == null ? null : book.instrument;
    }

    /** Listed symbols in ascending order. */
    public int[] symbols()
    {
        final int[] symbols = new int[bookCount];
        for (int i = 0; i < bookCount; i++)
        {
            symbols[i] = sortedBooks[i].instrument.symbol();
        }
        return symbols;
    }

    /** Ids of all accounts, ascending. */
    public long[] accountIds()
    {
        final long[] ids = new long[accounts.size()];
        int i = 0;
        for (final Long2ObjectHashMap<Account>.KeyIterator keys = accounts.keySet().iterator(); keys.hasNext(); )
        {
            ids[i++] = keys.nextLong();
        }
        Arrays.sort(ids);
        return ids;
    }

    public boolean hasAccount(final long account)
    {
        return accounts.containsKey(account);
    }

    /** Free balance of an asset, in asset units; 0 for an unknown account. */
    public long free(final long account, final int asset)
    {
        final Account a = accounts.get(account);
        return a == null ? 0 : a.free[asset];
    }

    /** Balance held by resting orders, in asset units; 0 for an unknown account. */
    public long reserved(final long account, final int asset)
    {
        final Account a = accounts.get(account);
        return a == null ? 0 : a.reserved[asset];
    }

    /** Deposits minus withdrawals of an asset: what all accounts hold between them, free plus reserved. */
    public long supply(final int asset)
    {
        return supply[asset];
    }

    /** Position of the last command applied (or of the state a snapshot restored). */
    public long lastPosition()
    {
        return lastPosition;
    }

    /** Id of the last trade, which is also the number of trades so far. */
    public long lastTradeId()
    {
        return lastTradeId;
    }

    /** Number of resting orders across all books. */
    public int liveOrders()
    {
        return orders.size();
    }

    public boolean isLive(final long orderId)
    {
        return orders.containsKey(orderId);
    }

    /** Remaining lots of a live order, or 0. */
    public long remaining(final long orderId)
    {
        final Order order = orders.get(orderId);
        return order == null ? 0 : order.remaining;
    }

    /** Price levels of one side of a symbol's book, best first; nothing for an unknown symbol. */
    public void forEachLevel(final int symbol, final Side side, final LevelVisitor visitor)
    {
        final OrderBook book = books.get(symbol);
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
        final OrderBook book = books.get(symbol);
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
