package io.ringlog.journal;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A failed file operation in words for a message a user reads: {@code NoSuchFileException: x}
 * becomes {@code no such file or directory: x}. A {@link FileSystemException}'s message is only its
 * file, and its class name says what went wrong, so neither is shown to a user as it is.
 */
public final class FileErrors
{
    private FileErrors()
    {
    }

    /** What went wrong, then the file (and the other file of a move or link) it names, if any. */
    public static String describe(final Throwable ex)
    {
        return describe(ex, null);
    }

    /**
     * {@link #describe(Throwable)}, leaving the file out when it is {@code subject}, which the
     * message already names: {@code cannot create the journal directory x: permission denied}.
     */
    public static String describe(final Throwable ex, final Path subject)
    {
        if (!(ex instanceof FileSystemException fs))
        {
            final String message = ex.getMessage();
            return message == null || message.isBlank() ? "an I/O error it does not describe" : message;
        }
        final StringBuilder text = new StringBuilder(reason(fs));
        final String file = fs.getFile();
        if (file != null && (subject == null || !Path.of(file).equals(subject)))
        {
            text.append(": ").append(file);
        }
        if (fs.getOtherFile() != null)
        {
            text.append(file != null ? " -> " : ": ").append(fs.getOtherFile());
        }
        return text.toString();
    }

    /**
     * {@link #describe(Throwable, Path)} for a failed {@code createDirectories(directory)}: where the
     * path is a file, says so ({@code it exists and is not a directory}) rather than "a file or
     * directory of that name already exists".
     */
    public static String describeDirectory(final Throwable ex, final Path directory)
    {
        if (ex instanceof FileAlreadyExistsException exists && exists.getFile() != null)
        {
            final Path file = Path.of(exists.getFile());
            if (file.equals(directory) && Files.exists(file) && !Files.isDirectory(file))
            {
                return "it exists and is not a directory";
            }
        }
        return describe(ex, directory);
    }

    /** What went wrong, without the file: {@code permission denied}, {@code no space left on device}. */
    public static String reason(final FileSystemException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "no such file or directory";
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return "a file or directory of that name already exists";
        }
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof NotDirectoryException)
        {
            return "not a directory";
        }
        if (ex instanceof DirectoryNotEmptyException)
        {
            return "directory not empty";
        }
        final String reason = ex.getReason();
        if (reason == null || reason.isBlank())
        {
            return "the file system refused it";
        }
        // The operating system's words ("Is a directory", "No space left on device"), in the case of the rest.
        return reason.length() > 1 && Character.isLowerCase(reason.charAt(1)) ?
            reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1) : reason;
    }
}
