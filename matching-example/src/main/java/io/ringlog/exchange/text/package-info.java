/**
 * The line-oriented text format of exchange commands and events: what scripts, generated workloads
 * and event dumps are written in, so runs are reproducible and diffable.
 *
 * <h2>Commands</h2>
 * One command per line: a verb, then {@code key=value} fields separated by spaces, in any order. Blank
 * lines and everything after {@code #} are ignored. Numbers are decimal integers in the units of
 * {@link io.ringlog.exchange} (prices in quote units per lot on the tick grid, quantities in lots,
 * amounts in asset units); {@code side} and {@code type} are words in any case of
 * their ASCII letters (no other script's letters: {@code \u017Fell} is not SELL).
 * <pre>
 * instrument sym=INT base=INT quote=INT tick=LONG lot=LONG
 * deposit    acct=LONG asset=INT amount=LONG
 * withdraw   acct=LONG asset=INT amount=LONG
 * place      oid=LONG acct=LONG sym=INT side=BUY|SELL type=GTC|IOC|FOK|MARKET [price=LONG] qty=LONG
 *            [clientOrderId=LONG]
 *            (price is required unless type=MARKET, and a market order takes none but 0; clientOrderId,
 *            since version 2, is the client's own reference, echoed on acceptance)
 * cancel     oid=LONG acct=LONG
 * reduce     oid=LONG acct=LONG by=LONG
 * move       oid=LONG acct=LONG price=LONG
 * </pre>
 * Any command may also carry {@code src=LONG seq=LONG} (source id and sequence, for duplicate
 * rejection; a non-zero {@code src=} needs a {@code seq=} of 0 or above) and {@code corr=LONG}
 * (correlation id; the line number when absent). Files are UTF-8
 * (a byte order mark before the first line is skipped; lines end in {@code \n} or {@code \r\n}); numbers
 * are ASCII digits with an optional sign. A line with an unknown verb or field, a missing or repeated
 * field, a value that is not a number, a negative {@code oid=} or {@code acct=}, bytes that are not UTF-8, or more than
 * {@value io.ringlog.exchange.text.CommandFileReader#MAX_LINE_BYTES} bytes (not counting the byte order mark or the
 * {@code \r} of a line's end) is malformed:
 * {@link io.ringlog.exchange.text.CommandFileReader} reports it with its line number (quoting at most
 * {@value io.ringlog.exchange.text.Excerpt#MAX} characters of it) and carries on.
 * Example:
 * <pre>
 * instrument sym=1 base=1 quote=0 tick=5 lot=100
 * deposit acct=12 asset=0 amount=1000000
 * place oid=77 acct=12 sym=1 side=BUY type=GTC price=10050 qty=5
 * move oid=77 acct=12 price=10040
 * </pre>
 *
 * <h2>Events</h2>
 * One event per line, prefixed by the position of the command that caused it and the event's index among
 * that command's events, from 0. The two name an event in a history: a replay, a restart and a synchronous
 * failover give it the same pair, so a reader of two nodes' files across a synchronous failover skips each line
 * at or before the last whole line it read (an asynchronous failover may give a position to another command).
 * <pre>
 * pos=N ev=K instrument sym= base= quote= tick= lot=
 * pos=N ev=K accepted  oid= acct= sym= side= type= price= qty= [clientOrderId=]
 * pos=N ev=K trade     id= sym= price= qty= maker= taker= makerAcct= takerAcct= takerSide= makerLeft= takerLeft=
 * pos=N ev=K cancelled oid= acct= sym= side= price= qty= reason=USER|UNFILLED|SELF_TRADE|INSUFFICIENT_FUNDS|MATCH_LIMIT
 * pos=N ev=K reduced   oid= acct= sym= side= price= by= left=
 * pos=N ev=K moved     oid= acct= sym= side= from= to= left=
 * pos=N ev=K book      sym= side= price= qty= orders=        (qty=0: the level is gone)
 * pos=N ev=K balance   acct= asset= free= reserved=
 * pos=N ev=K rejected  reason=NAME cmd=VERB oid= acct= [sym=]   (engine rejections: reason=DUPLICATE cmd=VERB [src= seq=])
 * </pre>
 * <h2>Where the fields come from</h2>
 * The lines are derived from the exchange's SBE schemas: each field's place in the payload, its type,
 * its null value and the version that added it come from the schemas' IR, and a field whose schema
 * {@code semanticType} is {@code Side}, {@code OrderType}, {@code CancelReason}, {@code RejectReason} or
 * {@code CommandType} is written as that word. A line keeps the short keys and the order of version 1
 * (listed in {@code TextSchema}); a field the schema gains later follows them under its schema name,
 * is written only when the payload holds it (and, if optional, when it is not null), and the parser
 * takes it the same way. So a new field is one schema edit. Commands parse to the schema's version
 * ({@link io.ringlog.exchange.text.ParsedCommand#version()}), which is what they are published with.
 * <p>
 * {@link io.ringlog.exchange.text.EventTextWriter} writes these from an engine's output;
 * {@link io.ringlog.exchange.text.StateText} prints a book as a price ladder and balances as
 * {@code balance} lines.
 */
package io.ringlog.exchange.text;
