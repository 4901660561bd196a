/**
 * The stock exchange: a {@link io.ringlog.exchange.ExchangeStateMachine} holding instruments, accounts
 * and order books on the business-logic thread, driven by the commands of
 * {@link io.ringlog.exchange.codec} and answering with its events.
 *
 * <h2>Units: everything is an integer</h2>
 * <ul>
 *   <li>An <b>asset</b> is an int id in {@code 0..maxAssets-1}. Balances and deposit amounts are longs
 *       counted in the asset's smallest unit (satoshi, cent, share): the exchange never divides them.</li>
 *   <li>An <b>instrument</b> (symbol id) trades a base asset against a quote asset. Its <b>lot size</b> is
 *       the base units in one lot; its <b>tick size</b> the price step.</li>
 *   <li>A <b>quantity</b> counts lots: {@code qty} lots are {@code qty * lotSize} base units.</li>
 *   <li>A <b>price</b> is in quote units per lot and must be a positive multiple of the tick size: a price
 *       of {@code p} on the grid is {@code p / tickSize} ticks. Buying {@code qty} lots at {@code p} costs
 *       {@code p * qty} quote units.</li>
 *   <li>Orders whose value or base amount would overflow a long are rejected ({@code BAD_QUANTITY});
 *       deposits that would take an asset's total supply past {@code Long.MAX_VALUE} are rejected
 *       ({@code BAD_AMOUNT}), so no balance can overflow. There are no fees.</li>
 * </ul>
 * Example: BTC/USD with base asset 1 in satoshi, quote asset 0 in cents, lot size 1,000,000 (0.01 BTC)
 * and tick size 1 (a cent per lot). A price of 650,000 is $6,500 per 0.01 BTC.
 *
 * <h2>Accounts and funds</h2>
 * An account opens with its first deposit and holds, per asset, a <b>free</b> and a <b>reserved</b>
 * balance. Placing an order moves what it could spend from free to reserved: a buy reserves
 * {@code price * qty} quote, a sell {@code qty * lotSize} base. A fill settles both sides at the resting
 * (maker) order's price: the buyer gives up reserved quote for base, any price improvement going back
 * to free; the seller gives up reserved base for free quote. Cancelling or reducing releases the
 * reservation. An order that needs more than the free balance is rejected ({@code INSUFFICIENT_FUNDS}),
 * so no account trades what it does not hold and no balance is ever negative. Withdrawals take only
 * from free. Per asset, free plus reserved summed over all accounts always equals deposits minus
 * withdrawals ({@link io.ringlog.exchange.ExchangeStateMachine#supply}).
 *
 * <h2>Matching</h2>
 * <ul>
 *   <li>Price-time priority: an incoming order trades with the best opposite price first and, within a
 *       price, the oldest order first, always at the resting order's price.</li>
 *   <li>{@code GTC}: the unfilled rest joins the back of its price level. {@code IOC}: the rest is
 *       cancelled ({@code UNFILLED}). {@code FOK}: the depth is checked first; if the order cannot fill
 *       completely at once it is rejected ({@code CANNOT_FILL}) and nothing changes.</li>
 *   <li>{@code MARKET}: sweeps the book with no price limit; the rest is cancelled, never rests. Its
 *       price field is ignored. A market sell reserves its base like any sell. A market buy cannot know
 *       its cost up front, so it reserves nothing and pays each fill from free quote: it is rejected if
 *       free quote does not cover one lot at the best ask, and it stops (rest cancelled with reason
 *       {@code INSUFFICIENT_FUNDS}) when free quote cannot pay for the next lot.</li>
 *   <li>Cancel removes a live order of the same account; reduce takes lots off and keeps its place in
 *       the queue (reducing by all of it, or more, removes it); move gives it a new price, sends it to the
 *       back of the queue at that price and may match at once, as an incoming GTC would. A buy moved to
 *       a higher price needs the extra reservation free. Filled, cancelled or unknown ids are rejected
 *       ({@code UNKNOWN_ORDER}); another account's order is {@code NOT_OWNER}.</li>
 *   <li>Order ids are chosen by clients and unique among live orders ({@code DUPLICATE_ORDER_ID}); an id
 *       may be reused once its order is gone.</li>
 *   <li>Self-trade prevention, "cancel resting": when an incoming order meets a resting order of the same
 *       account, the resting order is cancelled ({@code SELF_TRADE}) and matching goes on; the two never
 *       trade. A fill-or-kill counts only other accounts' depth.</li>
 *   <li>An order meets at most {@link io.ringlog.exchange.ExchangeStateMachine#MAX_MAKERS_PER_ORDER} resting
 *       orders; the rest is cancelled ({@code MATCH_LIMIT}), and a fill-or-kill that would need more is
 *       {@code CANNOT_FILL}: a command's events stay within the engine's output ring.</li>
 * </ul>
 *
 * <h2>Events</h2>
 * Each command ends in events, in this order: a placed order gets {@code ORDER_ACCEPTED} (or a
 * {@code REJECTED} with a {@link io.ringlog.exchange.RejectReason}, and nothing else), then its trades
 * (and {@code SELF_TRADE} cancellations) level by level, each level closed by its {@code BOOK_CHANGED}
 * (new total; 0 when the level is gone), then the cancellation of an IOC or market rest, or, for a GTC
 * rest, the {@code BOOK_CHANGED} of the level it joined. Cancel, reduce and move report the level they
 * leave or change; a move then reports {@code ORDER_MOVED} and behaves like an incoming GTC. Last come
 * {@code BALANCE_CHANGED} events for every balance the command touched (once each, with its final values,
 * even when they end where they started, as when an IOC reserves and releases; deposits and
 * withdrawals always report theirs, orders when the exchange is built to). A deposit's answer is its
 * balance event.
 *
 * <h2>Determinism and hot path</h2>
 * Books keep their levels in sorted arrays and their orders in intrusive FIFO queues of pooled objects;
 * order ids map to orders in an Agrona {@code Long2ObjectHashMap} used only for lookups, never iterated.
 * Snapshots and the state hash walk instruments by symbol, levels by price and queues in order, and
 * combine accounts with a commutative sum, so they depend only on the logical state. Placing, matching,
 * cancelling, reducing and moving allocate nothing once pools and arrays have grown to the working set.
 */
package io.ringlog.exchange;
