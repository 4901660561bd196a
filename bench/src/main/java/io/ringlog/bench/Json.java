package io.ringlog.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmarks' JSON: the latency harness and the suite write their results with it, the suite reads
 * the peer's {@code --json} output, and a test reads {@code results.json} back. The bench module has no JSON library (JMH brings none), and
 * one file of maps, lists, strings, numbers and booleans does not justify adding one.
 * <p>
 * Writing: {@link Map} (keys in iteration order), {@link List}, {@link CharSequence}, {@link Number}
 * (non-finite doubles as {@code null}), {@link Boolean}, {@code null}; anything else as its
 * {@code toString()}. Reading is strict RFC 8259: objects become {@link LinkedHashMap}s, arrays
 * {@link ArrayList}s, numbers {@link Long} when integral and in range, otherwise {@link Double}.
 */
public final class Json
{
    private final String text;
    private int at;

    private Json(final String text)
    {
        this.text = text;
    }

    /** {@code value} as indented JSON, ending in a newline. */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.append('\n').toString();
    }

    /** Parses one JSON value, refusing trailing text. */
    public static Object parse(final String text)
    {
        final Json parser = new Json(text);
        parser.skipWhitespace();
        final Object value = parser.value();
        parser.skipWhitespace();
        if (parser.at != text.length())
        {
            throw parser.error("text after the value");
        }
        return value;
    }

    /** The object at {@code key} of {@code object}; fails naming the key when it is missing or not an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(final Map<String, Object> object, final String key)
    {
        final Object value = object.get(key);
        if (!(value instanceof Map))
        {
            throw new IllegalArgumentException("'" + key + "' is not an object: " + value);
        }
        return (Map<String, Object>)value;
    }

    /** The number at {@code key}; fails naming the key when it is missing or not a number. */
    public static double number(final Map<String, Object> object, final String key)
    {
        final Object value = object.get(key);
        if (!(value instanceof Number))
        {
            throw new IllegalArgumentException("'" + key + "' is not a number: " + value);
        }
        return ((Number)value).doubleValue();
    }

    private static void write(final Object value, final StringBuilder out, final int indent)
    {
        if (value instanceof Map<?, ?> map)
        {
            if (map.isEmpty())
            {
                out.append("{}");
                return;
            }
            out.append("{\n");
            boolean first = true;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                if (!first)
                {
                    out.append(",\n");
                }
                first = false;
                indent(out, indent + 1);
                string(String.valueOf(entry.getKey()), out);
                out.append(": ");
                write(entry.getValue(), out, indent + 1);
            }
            out.append('\n');
            indent(out, indent);
            out.append('}');
        }
        else if (value instanceof List<?> list)
        {
            final boolean flat = list.stream().noneMatch((item) -> item instanceof Map || item instanceof List);
            if (list.isEmpty() || flat)
            {
                out.append('[');
                for (int i = 0; i < list.size(); i++)
                {
                    out.append(i == 0 ? "" : ", ");
                    write(list.get(i), out, indent);
                }
                out.append(']');
                return;
            }
            out.append("[\n");
            for (int i = 0; i < list.size(); i++)
            {
                if (i > 0)
                {
                    out.append(",\n");
                }
                indent(out, indent + 1);
                write(list.get(i), out, indent + 1);
            }
            out.append('\n');
            indent(out, indent);
            out.append(']');
        }
        else if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            out.append(Double.isFinite(d) ? number(d) : "null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(value.toString(), out);
        }
    }

    /**
     * The shortest decimal that reads back as the same double, without an exponent: a reader recomputing a
     * ratio from the figures gets exactly the suite's value.
     */
    private static String number(final double d)
    {
        if (d == Math.rint(d) && Math.abs(d) < 1e15)
        {
            return Long.toString((long)d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static void indent(final StringBuilder out, final int indent)
    {
        for (int i = 0; i < indent; i++)
        {
            out.append("  ");
        }
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

    private Object value()
    {
        if (at >= text.length())
        {
            throw error("a value was expected");
        }
        final char c = text.charAt(at);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        at++;
        skipWhitespace();
        if (peek() == '}')
        {
            at++;
            return object;
        }
        while (true)
        {
            skipWhitespace();
            if (peek() != '"')
            {
                throw error("a key in quotes was expected");
            }
            final String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (object.put(key, value()) != null)
            {
                throw error("key '" + key + "' appears twice");
            }
            skipWhitespace();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect('}');
            return object;
        }
    }

    private List<Object> array()
    {
        final List<Object> array = new ArrayList<>();
        at++;
        skipWhitespace();
        if (peek() == ']')
        {
            at++;
            return array;
        }
        while (true)
        {
            skipWhitespace();
            array.add(value());
            skipWhitespace();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect(']');
            return array;
        }
    }

    private String string()
    {
        final StringBuilder out = new StringBuilder();
        at++;
        while (true)
        {
            if (at >= text.length())
            {
                throw error("unterminated string");
            }
            final char c = text.charAt(at++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c < 0x20)
            {
                throw error("control character in a string");
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (at >= text.length())
            {
                throw error("unterminated escape");
            }
            final char escaped = text.charAt(at++);
            switch (escaped)
            {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' ->
                {
                    if (at + 4 > text.length())
                    {
                        throw error("short \\u escape");
                    }
                    try
                    {
                        out.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape \\" + escaped);
            }
        }
    }

    private Number number()
    {
        final int start = at;
        if (peek() == '-')
        {
            at++;
        }
        if (peek() == '0')
        {
            at++;
        }
        else if (!digits())
        {
            throw error("digits were expected");
        }
        boolean integral = true;
        if (peek() == '.')
        {
            at++;
            integral = false;
            if (!digits())
            {
                throw error("digits were expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E')
        {
            at++;
            integral = false;
            if (peek() == '+' || peek() == '-')
            {
                at++;
            }
            if (!digits())
            {
                throw error("digits were expected in the exponent");
            }
        }
        final String number = text.substring(start, at);
        if (integral)
        {
            try
            {
                return Long.parseLong(number);
            }
            catch (final NumberFormatException ex)
            {
                return Double.parseDouble(number);
            }
        }
        return Double.parseDouble(number);
    }

    private boolean digits()
    {
        final int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9')
        {
            at++;
        }
        return at > start;
    }

    private void literal(final String literal)
    {
        if (!text.startsWith(literal, at))
        {
            throw error(literal + " was expected");
        }
        at += literal.length();
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("'" + c + "' was expected");
        }
        at++;
    }

    private char peek()
    {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipWhitespace()
    {
        while (at < text.length())
        {
            final char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                return;
            }
            at++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("JSON: " + what + " at character " + at);
    }
}
