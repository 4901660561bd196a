/**
 * The exchange's command line, {@code scripts/exchange}: generate a workload file, run it through an
 * engine with a journal, replay the journal (whole, from a snapshot, or up to a position), print a
 * book or balances as of any position, look into the journal, and a {@code demo} that does it all in
 * a temporary directory.
 * <p>
 * Every subcommand prints {@code key: value} lines on stdout for scripts and tests to read, and
 * progress and diagnostics on stderr. Exit codes: 0 done, 1 failed (or a demo whose replay did not
 * match), 2 bad usage; 130 or 143 for a {@code run} or {@code demo} stopped by SIGINT or SIGTERM.
 * <p>
 * The exchange's settings (the ones that decide the state hash) are the first command of a journal
 * {@code run} writes, position 1, so every later run and replay builds the same exchange; journals
 * written before that still replay with the defaults. A journal directory also holds, unless told
 * otherwise, {@code snapshots/}.
 */
package io.ringlog.exchange.cli;
