package io.ringlog.exchange.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import uk.co.real_logic.sbe.ir.Encoding;
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
    /** By type: the newest block with every field's null value at its place, for {@link #extend}. */
    private static final byte[][] NULLS;

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
        NULLS = new byte[most + 1][];
        for (final List<Token> tokens : ir.messages())
        {
            final Token message = tokens.get(0);
            final UnsafeBuffer nulls = new UnsafeBuffer(new byte[message.encodedLength()]);
            for (int i = 0; i + 1 < tokens.size(); i++)
            {
                if (tokens.get(i).signal() == Signal.BEGIN_FIELD && tokens.get(i + 1).signal() == Signal.ENCODING)
                {
                    putNull(nulls, tokens.get(i).offset(), tokens.get(i + 1).encoding());
                }
            }
            NULLS[message.id()] = nulls.byteArray();
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

    private static void putNull(final UnsafeBuffer block, final int offset, final Encoding encoding)
    {
        final long value = encoding.applicableNullValue().longValue();
        switch (encoding.primitiveType().size())
        {
            case 1:
                block.putByte(offset, (byte)value);
                break;
            case 2:
                block.putShort(offset, (short)value, encoding.byteOrder());
                break;
            case 4:
                block.putInt(offset, (int)value, encoding.byteOrder());
                break;
            default:
                block.putLong(offset, value, encoding.byteOrder());
                break;
        }
    }

    /**
     * Writes into {@code to} the block of version {@code version + 1} of {@code type} that a payload of {@code version}
     * in {@code from} (of {@code length} bytes) means when that version added only fields whose null value is what
     * older payloads meant: the payload, then each added field's null value. Returns the new block's length. What the
     * exchange's upcasters use to step over a version that left a message alone, or only appended to it, so that the
     * chain goes on to the upcasters of later versions.
     */
    public static int extend(final int type, final int version, final DirectBuffer from, final int length,
        final MutableDirectBuffer to)
    {
        final int next = blockLength(type, version + 1);
        final int kept = Math.min(length, next);
        to.putBytes(0, from, 0, kept);
        if (next > kept)
        {
            to.putBytes(kept, NULLS[type], kept, next - kept);
        }
        return next;
    }

    /** The largest command type (a template id) the schema has. */
    public static int maxType()
    {
        return BY_TYPE.length - 1;
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
