/**
 * Binary codecs of the exchange's commands and output events. The messages are defined once, in the SBE
 * schemas {@code src/main/sbe/exchange-commands.xml} and {@code exchange-events.xml}; the build generates
 * their flyweights (sbe-tool) into {@link io.ringlog.exchange.codec.command} and
 * {@link io.ringlog.exchange.codec.event}: an encoder and a decoder per message, over Agrona buffers,
 * little-endian, no allocation to encode or decode. This package holds what a schema cannot say:
 * {@link io.ringlog.exchange.codec.CommandTypes} and {@link io.ringlog.exchange.codec.EventTypes} (the
 * template ids, with the words of the text format), and {@link io.ringlog.exchange.codec.CommandEncoder},
 * one call per command.
 * <p>
 * Payloads carry no SBE message header: a command's type and version are in ringlog's command header,
 * and its payload length is its block length. Read a command with
 * {@code decoder.wrap(command.payload(), 0, command.payloadLength(), command.version())}: SBE's acting
 * block length and acting version, so a decoder of a newer schema reads an older payload (fields added
 * since read as their null value) and an older decoder reads a newer one (it stops at the block it knows).
 * The exchange rejects as malformed a payload shorter than the block its version defines. Events are
 * written in place into the output ring with {@link io.ringlog.core.Output#claim(int)}; rejections use the
 * engine's {@link io.ringlog.core.OutputEvent#REJECTED} type with the reason first, so engine rejections
 * (duplicates, failures) and business ones read alike.
 */
package io.ringlog.exchange.codec;
