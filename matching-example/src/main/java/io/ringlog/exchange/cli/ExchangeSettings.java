package io.ringlog.exchange.cli;

import io.ringlog.core.Command;
import io.ringlog.core.Journal;
import io.ringlog.core.JournalException;
import io.ringlog.core.JournalReader;
import io.ringlog.exchange.ExchangeStateMachine;
import io.ringlog.exchange.codec.CommandTypes;
import io.ringlog.exchange.codec.command.ConfigureCommandDecoder;
import io.ringlog.exchange.codec.command.ConfigureCommandEncoder;
import io.ringlog.exchange.text.Excerpt;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The exchange settings that decide its state hash, today the number of asset ids (an account keeps
 * a balance for each, and the hash covers them all), and where a journal keeps them.
 * <p>
 * They live in the journal: a run on an empty journal publishes them first, as a
 * {@link CommandTypes#CONFIGURE} command at position 1, and the exchange is built
 * {@link ExchangeStateMachine#configuredByJournal configured by its journal}, so every later run,
 * replay, book and balances builds the exchange the journal was written by, snapshots included.
 * Journals written before that (their position 1 is an ordinary command) kept the settings beside
 * them in {@value #LEGACY_FILE_NAME}; those still work: the file is read, and a clear error says so
 * when it is missing (then {@code --max-assets} says what it was).
 * <p>
 * Bounds are checked when the settings are made, before anything is opened or written.
 */
record ExchangeSettings(int maxAssets)
{
    /** Room for the presets (many-symbols uses 51 asset ids) and hand-written files. */
    static final int DEFAULT_MAX_ASSETS = 64;
    static final String LEGACY_FILE_NAME = "exchange.properties";
    private static final String MAX_ASSETS = "max-assets";

    ExchangeSettings
    {
        if (maxAssets < 2 || maxAssets > ExchangeStateMachine.MAX_ASSETS)
        {
            throw new IllegalArgumentException("max-assets must be between 2 (a base and a quote) and " +
                ExchangeStateMachine.MAX_ASSETS + " (every account keeps a balance of each): " + maxAssets);
        }
    }

    /** The requested settings, or the defaults; bounds checked. */
    static ExchangeSettings requested(final Integer maxAssets)
    {
        return new ExchangeSettings(maxAssets != null ? maxAssets : DEFAULT_MAX_ASSETS);
    }

    /** The genesis command's payload. */
    int encode(final UnsafeBuffer buffer)
    {
        new ConfigureCommandEncoder().wrap(buffer, 0).settingsVersion(CommandTypes.SETTINGS_VERSION)
            .maxAssets(maxAssets);
        return ConfigureCommandEncoder.BLOCK_LENGTH;
    }

    /**
     * How to build the exchange of a journal.
     *
     * @param exchange       the exchange to recover the journal into.
     * @param settings       the settings, when known before recovery (null: a snapshot will bring them).
     * @param publishGenesis the journal is empty: publish {@code settings} as its first command.
     */
    record ForJournal(ExchangeStateMachine exchange, ExchangeSettings settings, boolean publishGenesis,
        String unreadable)
    {
        ForJournal(final ExchangeStateMachine exchange, final ExchangeSettings settings, final boolean publishGenesis)
        {
            this(exchange, settings, publishGenesis, null);
        }

        /** For stderr once recovery has loaded a snapshot, where position 1 could not be read; else null. */
        String note()
        {
            return unreadable == null ? null : "note: position 1 (where the exchange keeps its settings) cannot be " +
                "read (" + unreadable + "): the snapshot this recovery started from holds them too";
        }
    }

    /**
     * The exchange for {@code journal} (opened, not yet recovered), which lives in {@code journalDir}.
     *
     * @param requested max-assets asked for on the command line, null for none.
     * @throws IllegalArgumentException if the journal was written with other settings, or its settings
     *                                  cannot be found.
     */
    static ForJournal forJournal(final Journal journal, final Path journalDir, final Integer requested)
        throws IOException
    {
        if (journal.lastPosition() == 0)
        {
            return new ForJournal(ExchangeStateMachine.configuredByJournal(true), requested(requested), true);
        }
        final Command first = new Command(ExchangeRunner.MAX_PAYLOAD);
        try (JournalReader reader = journal.reader(1))
        {
            if (!reader.next(first) || first.position() != 1)
            {
                return trimmed(requested);
            }
        }
        catch (final JournalException ex)
        {
            if (ex.getMessage().contains("older than the oldest entry kept"))
            {
                return trimmed(requested);
            }
            // Damaged: a snapshot holds the settings as well, and a recovery that starts from one never reads
            // position 1 (journal verify says the service starts). Without a usable snapshot the recovery reads it,
            // and stops there saying why.
            final ForJournal fromSnapshot = trimmed(requested);
            return new ForJournal(fromSnapshot.exchange(), fromSnapshot.settings(), false, firstLine(ex.getMessage()));
        }
        if (first.type() == CommandTypes.CONFIGURE && first.payloadLength() >= ConfigureCommandDecoder.BLOCK_LENGTH)
        {
            final ConfigureCommandDecoder configure = new ConfigureCommandDecoder()
                .wrap(first.payload(), 0, first.payloadLength(), first.version());
            if (configure.settingsVersion() != CommandTypes.SETTINGS_VERSION)
            {
                throw new IllegalArgumentException("the journal in " + journalDir + " starts with exchange settings " +
                    "of layout " + configure.settingsVersion() + "; this code reads layout " +
                    CommandTypes.SETTINGS_VERSION);
            }
            final ExchangeSettings saved = new ExchangeSettings(configure.maxAssets());
            checkSame(saved, requested, journalDir);
            return new ForJournal(ExchangeStateMachine.configuredByJournal(true), saved, false);
        }
        final int expected = CommandTypes.commandLength(first.type(), first.version());
        if (expected < 0 || expected != first.payloadLength())
        {
            // Not a command of the exchange's: the ledger's journal, say, whose commands would all be refused.
            throw new IllegalArgumentException("the journal in " + journalDir + " is not an exchange's: its first command " +
                "(position 1) is of type " + first.type() + ", version " + first.version() + ", " + first.payloadLength() +
                " bytes, which is neither the exchange's settings nor any exchange command" +
                (expected < 0 ? "" : " (the exchange's " + CommandTypes.name(first.type()) + " command has " + expected +
                " bytes)") +
                ": was it written by another application? Give the exchange a journal directory of its own");
        }
        final Path file = journalDir.resolve(LEGACY_FILE_NAME);
        if (Files.exists(file))
        {
            final ExchangeSettings saved = read(file);
            checkSame(saved, requested, journalDir);
            return new ForJournal(new ExchangeStateMachine(saved.maxAssets, true), saved, false);
        }
        if (requested == null)
        {
            throw new IllegalArgumentException("the journal in " + journalDir + " was written before exchange " +
                "settings were kept in the journal, and the " + LEGACY_FILE_NAME + " that held them beside it is " +
                "missing: give --max-assets with the value it was written with (the default then was " +
                DEFAULT_MAX_ASSETS + ")");
        }
        final ExchangeSettings given = requested(requested);
        return new ForJournal(new ExchangeStateMachine(given.maxAssets, true), given, false);
    }

    /** The journal's own words up to the first sentence that says what to do about them. */
    static String firstLine(final String message)
    {
        final int hint = message.indexOf(". ");
        return hint > 0 ? message.substring(0, hint) : message;
    }

    /** Position 1 was trimmed away: the snapshot recovery starts from brings the settings. */
    private static ForJournal trimmed(final Integer requested)
    {
        return new ForJournal(ExchangeStateMachine.configuredByJournal(true),
            requested != null ? requested(requested) : null, false);
    }

    private static void checkSame(final ExchangeSettings saved, final Integer requested, final Path journalDir)
    {
        if (requested != null && requested != saved.maxAssets)
        {
            throw new IllegalArgumentException("the journal in " + journalDir + " was written with max-assets " +
                saved.maxAssets + ", which it keeps: --max-assets " + requested + " cannot be used on it");
        }
    }

    /** Reads a legacy {@value #LEGACY_FILE_NAME}, strictly: bytes that are not text are an error that says so. */
    private static ExchangeSettings read(final Path file) throws IOException
    {
        final Properties properties = new Properties();
        // As bytes (ISO-8859-1, the properties format's own encoding), so no byte is undecodable.
        try (InputStream in = Files.newInputStream(file))
        {
            properties.load(in);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(file + " is not a properties file: " + ex.getMessage());
        }
        final String value = properties.getProperty(MAX_ASSETS);
        if (value == null)
        {
            throw new IllegalArgumentException(file + " has no " + MAX_ASSETS + "=N line");
        }
        final int maxAssets;
        try
        {
            maxAssets = Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(file + ": " + MAX_ASSETS + " is not an integer: '" +
                Excerpt.of(value) + "'");
        }
        try
        {
            return new ExchangeSettings(maxAssets);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(file + ": " + ex.getMessage());
        }
    }
}
