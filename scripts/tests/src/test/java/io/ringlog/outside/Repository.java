package io.ringlog.outside;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository these tests run in, as a user has it: its root, a fresh clone of it, its scripts. */
final class Repository
{
    private Repository()
    {
    }

    /** The repository's root (the build passes it as {@code ringlog.root}). */
    static Path root()
    {
        final String root = System.getProperty("ringlog.root");
        final Path path = root != null ? Path.of(root) : Path.of("..");
        assertTrue(Files.isDirectory(path.resolve("scripts")), "no scripts/ under the repository root " + path);
        return path.toAbsolutePath().normalize();
    }

    /**
     * A fresh clone in a new directory under {@code parent}: the files git would put in a commit of
     * the working tree (tracked and untracked, not ignored), with their permissions, and nothing a
     * build has made. On CI, which runs on a clean clone, that is exactly a clone of main.
     */
    static Path freshClone(final Path parent) throws IOException, InterruptedException
    {
        final Path root = root();
        final Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others",
            "--exclude-standard").redirectErrorStream(false).start();
        final byte[] listing = git.getInputStream().readAllBytes();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS), "git ls-files did not finish");
        assertEquals(0, git.exitValue(), "git ls-files failed in " + root);
        final Path clone = Files.createDirectories(parent.resolve("clone"));
        int copied = 0;
        for (final String name : new String(listing, StandardCharsets.UTF_8).split("\0"))
        {
            final Path from = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS))
            {
                continue; // deleted in the working tree, or a submodule
            }
            final Path to = clone.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            copied++;
        }
        assertTrue(copied > 10, "only " + copied + " files in the clone");
        return clone;
    }

    /**
     * A working directory for a user's session: {@code scripts/X} there runs the repository's
     * {@code scripts/X}, so the documents' relative paths ({@code run/journal}) land in it.
     */
    static Path sessionDirectory(final Path parent) throws IOException
    {
        final Path dir = Files.createDirectories(parent.resolve("session"));
        final Path scripts = Files.createDirectories(dir.resolve("scripts"));
        try (Stream<Path> files = Files.list(root().resolve("scripts")))
        {
            for (final Path script : (Iterable<Path>)files::iterator)
            {
                if (Files.isExecutable(script) && !script.getFileName().toString().endsWith(".sh"))
                {
                    final Path wrapper = scripts.resolve(script.getFileName());
                    Files.writeString(wrapper, "#!/usr/bin/env bash\nexec '" + script + "' \"$@\"\n");
                    wrapper.toFile().setExecutable(true);
                }
            }
        }
        return dir;
    }

    /** The README files of the repository, the top level's first. */
    static List<Path> readmes() throws IOException
    {
        final Path root = root();
        final List<Path> found = new ArrayList<>();
        found.add(root.resolve("README.md"));
        Files.walkFileTree(root, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult preVisitDirectory(final Path dir, final BasicFileAttributes attrs)
            {
                final String name = dir.getFileName().toString();
                return name.equals("target") || name.startsWith(".") || name.equals("node_modules") ?
                    FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs)
            {
                if (file.getFileName().toString().equals("README.md") && !file.getParent().equals(root))
                {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }
}
