/**
 * Binary codecs of the exchange's commands and output events: one flyweight per message over an Agrona
 * buffer, fixed little-endian layouts drawn in each class's Javadoc, no allocation to encode or decode.
 * <p>
 * A command is published with its {@link io.ringlog.exchange.codec.CommandTypes type} and its payload is
 * exactly the flyweight's {@code LENGTH} bytes; a payload shorter than that is rejected as malformed,
 * a longer one is read up to {@code LENGTH} (room for fields added at the end in later versions).
 * Events are written in place into the output ring with {@link io.ringlog.core.Output#claim(int)}.
 * Rejections use the engine's {@link io.ringlog.core.OutputEvent#REJECTED} type with the reason first,
 * so engine rejections (duplicates, failures) and business ones read alike.
 */
package io.ringlog.exchange.codec;
