/**
 * Read models: the CQRS side of the exchange. Each is an {@link io.ringlog.core.OutputListener} that
 * folds output events into a query-friendly view on its own listener thread and answers queries from
 * any other thread under its lock, returning copies: L2 depth per symbol
 * ({@link io.ringlog.exchange.readmodel.DepthReadModel}), recent trades
 * ({@link io.ringlog.exchange.readmodel.TradesReadModel}) and account balances
 * ({@link io.ringlog.exchange.readmodel.BalancesReadModel}). Two more listeners serve scripts: run
 * counters ({@link io.ringlog.exchange.readmodel.ExchangeStats}) and ingress-to-event latency
 * ({@link io.ringlog.exchange.readmodel.LatencyListener}).
 * <p>
 * They say yes to {@code receivesReplay}, so a start-up that replays the journal from the beginning
 * rebuilds them. A start-up from a snapshot replays only the tail; seed depth and balances from the
 * restored exchange with {@link io.ringlog.exchange.ExchangeStateMachine#onSnapshotLoaded}, which runs
 * on the business-logic thread before the tail is replayed. Recent trades before the snapshot are not
 * recovered.
 */
package io.ringlog.exchange.readmodel;
