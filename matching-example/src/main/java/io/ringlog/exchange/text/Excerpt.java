package io.ringlog.exchange.text;

/**
 * Text from a user's file, made fit for a one-line message: at most {@value #MAX} characters (the
 * rest counted, not shown), and anything that is not printable ASCII shown as {@code \\uXXXX}, so a
 * 20 MB line or a control character can neither flood nor garble a terminal.
 */
public final class Excerpt
{
    /** Characters shown before the rest is cut. */
    public static final int MAX = 60;

    private Excerpt()
    {
    }

    public static String of(final CharSequence text)
    {
        final StringBuilder shown = new StringBuilder(Math.min(text.length(), MAX) + 24);
        final int end = Math.min(text.length(), MAX);
        for (int i = 0; i < end; i++)
        {
            final char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F)
            {
                shown.append(c);
            }
            else
            {
                shown.append(String.format("\\u%04x", (int)c));
            }
        }
        if (text.length() > MAX)
        {
            shown.append("... (").append(text.length() - MAX).append(" more characters)");
        }
        return shown.toString();
    }
}
