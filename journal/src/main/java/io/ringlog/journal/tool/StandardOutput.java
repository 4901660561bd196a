package io.ringlog.journal.tool;

import io.ringlog.journal.FileErrors;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A command line's standard output that remembers why a write failed. {@code System.out} keeps quiet about it, so a
 * command whose answer went to a full disk printed nothing, or half a line, and exited 0 (a reviewer's
 * {@code exchange balances > full/bal.txt}: a last line cut mid-number, read as a balance). {@link #exit} turns such a
 * failure into an {@code error:} line and exit 1; a reader that went away ({@code dump | head}) is no failure.
 */
public final class StandardOutput
{
    /** The one a command line's main installed, for code that ends the process itself (a node's shutdown hook). */
    private static volatile StandardOutput installed;

    private final Recording recording = new Recording(new FileOutputStream(FileDescriptor.out));
    private final PrintWriter writer = new PrintWriter(new OutputStreamWriter(recording, StandardCharsets.UTF_8), true);
    private boolean said;

    private StandardOutput()
    {
    }

    /** The process's standard output, for a command line's main: made once, and known to {@link #exitCode}. */
    public static synchronized StandardOutput install()
    {
        if (installed == null)
        {
            installed = new StandardOutput();
        }
        return installed;
    }

    /**
     * {@link #exit} of the installed standard output, or {@code code} where none was installed: for code that halts the
     * process with its own code (a reviewer's: a node whose output failed printed the error and halted with 0).
     */
    public static int exitCode(final int code, final PrintWriter err)
    {
        final StandardOutput out = installed;
        return out == null ? code : out.exit(code, err);
    }

    /** The writer to give the command line as its out. */
    public PrintWriter writer()
    {
        return writer;
    }

    /**
     * The exit code for a command that returned {@code code}, once its output is flushed: 1, with an {@code error:} line
     * on {@code err}, where a write failed for another reason than its reader going away.
     */
    public synchronized int exit(final int code, final PrintWriter err)
    {
        writer.flush();
        final IOException failed = recording.failed;
        if (failed == null || brokenPipe(failed))
        {
            return code;
        }
        if (said)
        {
            return code == 0 ? CliSupport.FAILED : code;
        }
        said = true;
        err.println("error: could not write the output: " + FileErrors.describe(failed) + "; what was written before " +
            "it is cut short");
        err.flush();
        return code == 0 ? CliSupport.FAILED : code;
    }

    private static boolean brokenPipe(final IOException ex)
    {
        return ex.getMessage() != null && ex.getMessage().contains("Broken pipe");
    }

    /** Passes bytes on, keeping the first failure. */
    private static final class Recording extends FilterOutputStream
    {
        private volatile IOException failed;

        Recording(final OutputStream out)
        {
            super(out);
        }

        @Override
        public void write(final int b) throws IOException
        {
            write(new byte[] {(byte)b}, 0, 1);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length) throws IOException
        {
            try
            {
                out.write(bytes, offset, length);
            }
            catch (final IOException ex)
            {
                if (failed == null)
                {
                    failed = ex;
                }
                throw ex;
            }
        }

        @Override
        public void flush() throws IOException
        {
            try
            {
                out.flush();
            }
            catch (final IOException ex)
            {
                if (failed == null)
                {
                    failed = ex;
                }
                throw ex;
            }
        }
    }
}
