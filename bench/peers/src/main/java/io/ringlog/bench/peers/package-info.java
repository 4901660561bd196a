/**
 * exchange-core 0.5.3 as a peer of ringlog's exchange: it reads the command file that
 * {@code scripts/exchange generate} writes (the text format of {@code io.ringlog.exchange.text}),
 * translates every command to exchange-core's API and times the order flow through it, so the two
 * engines are measured on the identical command stream.
 *
 * <pre>
 *  command file ──► CommandFile (columns) ──► Translation (ApiCommand lists: setup, flow)
 *                                                         │
 *   publisher thread: api.submitCommand(...) ─► [ring] ─► G ─► R1 ─► ME ─► R2 (on R1's thread)
 *                                                                     └──► E: ResultCounter
 * </pre>
 *
 * This module runs in its own JVM with its own classpath: exchange-core pulls Chronicle 2.19-era
 * libraries, Disruptor 3.4 and Agrona 1.4, none of which may meet ringlog's newer ones. It therefore
 * shares no code with ringlog, only the file format.
 */
package io.ringlog.bench.peers;
