package io.ringlog.exchange.codec;

import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.IrDecoder;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The block each version of each command takes, read from the commands' schema (its IR, which the build writes
 * beside the codecs): a version only ever appends fields, so version v's block ends where the first field of a
 * later version starts. What a payload of version v must hold to be read at v, for every command, whatever the
 * schema's version now is: the generated decoders know only the newest block ({@code BLOCK_LENGTH}), and checked
 * against it, every shorter payload of an older version was malformed once a field was added (a reviewer's
 * finding: a field added to cancel, as the README's rule 3 says, turned every cancel of every journal into a
 * rejection, silently).
 */
public final class CommandBlocks
{
    /** By type (template ids are small), then by version: an array, as the exchange asks for every command it applies. */
    private static final int[][] BY_TYPE;
    private static final int SCHEMA_VERSION;

    static
    {
        final Ir ir;
        try (InputStream in = CommandBlocks.class.getResourceAsStream("exchange-commands.sbeir"))
        {
            if (in == null)
            {
                throw new IllegalStateException("exchange-commands.sbeir is missing: the build writes it with the codecs");
            }
            try (IrDecoder decoder = new IrDecoder(ByteBuffer.wrap(in.readAllBytes())))
            {
                ir = decoder.decode();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        SCHEMA_VERSION = ir.version();
        int most = 0;
        for (final List<Token> tokens : ir.messages())
        {
            most = Math.max(most, tokens.get(0).id());
        }
        BY_TYPE = new int[most + 1][];
        for (final List<Token> tokens : ir.messages())
        {
            final Token message = tokens.get(0);
            final int[] blocks = new int[SCHEMA_VERSION + 1];
            for (int version = 0; version <= SCHEMA_VERSION; version++)
            {
                int block = message.encodedLength();
                for (final Token token : tokens)
                {
                    if (token.signal() == Signal.BEGIN_FIELD && token.version() > version)
                    {
                        block = Math.min(block, token.offset());
                    }
                }
                blocks[version] = block;
            }
            BY_TYPE[message.id()] = blocks;
        }
    }

    private CommandBlocks()
    {
    }

    /** The schema's version: the newest a command can be, and what this code stamps its own with. */
    public static int schemaVersion()
    {
        return SCHEMA_VERSION;
    }

    /**
     * The bytes a payload of command {@code type} at {@code version} must hold; -1 for a type the schema does not
     * have or a version newer than it (a journal written by newer code).
     */
    public static int blockLength(final int type, final int version)
    {
        final int[] blocks = type >= 0 && type < BY_TYPE.length ? BY_TYPE[type] : null;
        return blocks == null || version > SCHEMA_VERSION ? -1 : blocks[Math.max(0, version)];
    }
}
