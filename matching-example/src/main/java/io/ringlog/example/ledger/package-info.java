/**
 * The smallest useful ringlog service: a bank ledger (deposit, withdraw, transfer, no overdraft).
 * It shows what embedding takes: one {@link io.ringlog.core.StateMachine}, a codec for its
 * commands and events, and an {@link io.ringlog.core.Engine} launched from a context.
 * <p>
 * Amounts are integer minor units (cents); account ids are positive longs.
 */
package io.ringlog.example.ledger;
