package io.ringlog.exchange.cli;

import io.ringlog.exchange.codec.CommandEncoder;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.ConfigureCommandDecoder;
import io.ringlog.exchange.text.TextFormat;
import io.ringlog.journal.tool.PayloadDecoder;
import org.agrona.DirectBuffer;

/**
 * Shows exchange commands in {@code journal dump} as lines of the command text format
 * ({@code place oid=77 acct=12 ...}), so a dumped entry reads like the line it came from. Versions from 1 to
 * the schema's are shown; a newer one, which this code cannot know, as bytes.
 */
public final class ExchangePayloadDecoder implements PayloadDecoder
{
    private final TextFormat format = new TextFormat();
    private final StringBuilder line = new StringBuilder(128);

    @Override
    public String decode(final int type, final int version, final DirectBuffer payload, final int length)
    {
        if (version < 1 || version > CommandEncoder.VERSION)
        {
            return null;
        }
        if (type == CommandTypes.CONFIGURE && length >= ConfigureCommandDecoder.BLOCK_LENGTH)
        {
            final ConfigureCommandDecoder configure = new ConfigureCommandDecoder().wrap(payload, 0, length, version);
            return "configure settings-version=" + configure.settingsVersion() + " max-assets=" + configure.maxAssets() +
                " (the exchange's settings, journaled by its first run)";
        }
        if (CommandTypes.name(type) == null)
        {
            return null;
        }
        line.setLength(0);
        final String text = format.command(type, version, payload, 0, length, line).toString();
        // TextFormat writes a short payload as a comment; the dump then shows the bytes instead.
        return text.startsWith("#") ? null : text;
    }

    @Override
    public String typeName(final int type)
    {
        return type == CommandTypes.CONFIGURE ? "configure: the exchange's settings" : CommandTypes.name(type);
    }
}
