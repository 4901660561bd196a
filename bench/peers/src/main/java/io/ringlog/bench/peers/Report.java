package io.ringlog.bench.peers;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run prints: {@code key: value} lines in the order they were added, as the rest of ringlog's
 * bench prints them, and the same entries as one JSON object for a suite that computes ratios. Values
 * are strings, numbers, lists of numbers or maps of numbers; a map prints as {@code k=v k=v} on its line.
 */
final class Report
{
    private final Map<String, Object> entries = new LinkedHashMap<>();

    Report put(final String key, final Object value)
    {
        entries.put(key, value);
        return this;
    }

    Object get(final String key)
    {
        return entries.get(key);
    }

    void print(final PrintWriter out)
    {
        for (final Map.Entry<String, Object> entry : entries.entrySet())
        {
            out.println(entry.getKey() + ": " + text(entry.getValue()));
        }
        out.flush();
    }

    void writeJson(final Path file) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json(), StandardCharsets.UTF_8);
    }

    String json()
    {
        final StringBuilder out = new StringBuilder("{\n");
        boolean first = true;
        for (final Map.Entry<String, Object> entry : entries.entrySet())
        {
            if (!first)
            {
                out.append(",\n");
            }
            first = false;
            out.append("  ");
            string(entry.getKey(), out);
            out.append(": ");
            value(entry.getValue(), out);
        }
        return out.append("\n}\n").toString();
    }

    private static String text(final Object value)
    {
        if (value instanceof Map<?, ?> map)
        {
            final StringBuilder out = new StringBuilder();
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                if (out.length() > 0)
                {
                    out.append(' ');
                }
                out.append(entry.getKey()).append('=').append(text(entry.getValue()));
            }
            return out.toString();
        }
        if (value instanceof List<?> list)
        {
            final StringBuilder out = new StringBuilder();
            for (final Object item : list)
            {
                if (out.length() > 0)
                {
                    out.append(' ');
                }
                out.append(text(item));
            }
            return out.toString();
        }
        if (value instanceof Double d)
        {
            return number(d);
        }
        return String.valueOf(value);
    }

    private static void value(final Object value, final StringBuilder out)
    {
        if (value instanceof Map<?, ?> map)
        {
            out.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                if (!first)
                {
                    out.append(", ");
                }
                first = false;
                string(String.valueOf(entry.getKey()), out);
                out.append(": ");
                value(entry.getValue(), out);
            }
            out.append('}');
        }
        else if (value instanceof List<?> list)
        {
            out.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                if (i > 0)
                {
                    out.append(", ");
                }
                value(list.get(i), out);
            }
            out.append(']');
        }
        else if (value instanceof Double d)
        {
            out.append(Double.isFinite(d) ? number(d) : "null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(String.valueOf(value), out);
        }
    }

    /** At most three decimals, no trailing zeros: 2.5, 3.104, 25509.9. */
    private static String number(final double d)
    {
        if (d == Math.rint(d) && Math.abs(d) < 1e15)
        {
            return Long.toString((long)d);
        }
        return BigDecimal.valueOf(d).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    private static void string(final String s, final StringBuilder out)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
