package io.ringlog.exchange.cli;

import io.ringlog.exchange.ExchangeStateMachine;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The exchange settings that decide its state hash, kept beside the journal in
 * {@code exchange.properties} so that every later run, replay, book and balances builds the same
 * exchange the journal was written by. Today that is the number of asset ids: an account keeps a
 * balance for each, and the hash covers them all.
 */
record ExchangeSettings(int maxAssets)
{
    /** Room for the presets (many-symbols uses 51 asset ids) and hand-written files. */
    static final int DEFAULT_MAX_ASSETS = 64;
    static final String FILE_NAME = "exchange.properties";
    private static final String MAX_ASSETS = "max-assets";

    ExchangeSettings
    {
        if (maxAssets < 2)
        {
            throw new IllegalArgumentException("max-assets must be at least 2 (a base and a quote): " + maxAssets);
        }
    }

    ExchangeStateMachine newExchange()
    {
        return new ExchangeStateMachine(maxAssets, true);
    }

    /**
     * The settings a run on {@code journalDir} must use: the ones saved there, or (first run) the
     * requested ones, which are then saved.
     *
     * @param requested max-assets asked for on the command line, null for the default.
     * @throws IllegalArgumentException if the journal was written with different settings.
     */
    static ExchangeSettings forRun(final Path journalDir, final Integer requested) throws IOException
    {
        final Path file = journalDir.resolve(FILE_NAME);
        if (Files.exists(file))
        {
            final ExchangeSettings saved = read(file);
            if (requested != null && requested != saved.maxAssets)
            {
                throw new IllegalArgumentException("the journal in " + journalDir + " was written with max-assets " +
                    saved.maxAssets + "; a run on it cannot use " + requested);
            }
            return saved;
        }
        final ExchangeSettings settings = new ExchangeSettings(requested != null ? requested : DEFAULT_MAX_ASSETS);
        Files.createDirectories(journalDir);
        final Properties properties = new Properties();
        properties.setProperty(MAX_ASSETS, Integer.toString(settings.maxAssets));
        try (Writer writer = Files.newBufferedWriter(file))
        {
            properties.store(writer, "written by the exchange CLI's first run on this journal; every replay reads it");
        }
        return settings;
    }

    /** The settings saved with the journal in {@code journalDir}; the defaults if none were saved. */
    static ExchangeSettings forJournal(final Path journalDir) throws IOException
    {
        final Path file = journalDir.resolve(FILE_NAME);
        return Files.exists(file) ? read(file) : new ExchangeSettings(DEFAULT_MAX_ASSETS);
    }

    private static ExchangeSettings read(final Path file) throws IOException
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file))
        {
            properties.load(reader);
        }
        final String value = properties.getProperty(MAX_ASSETS);
        if (value == null)
        {
            throw new IllegalArgumentException(file + " has no " + MAX_ASSETS);
        }
        try
        {
            return new ExchangeSettings(Integer.parseInt(value.trim()));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(file + ": " + MAX_ASSETS + " is not an integer: " + value);
        }
    }
}
