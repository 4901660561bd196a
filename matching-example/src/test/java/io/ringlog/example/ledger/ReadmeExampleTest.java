package io.ringlog.example.ledger;

import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compiles the README's embedding example as it stands and checks it prints what the README says. */
class ReadmeExampleTest
{
    @Test
    void shouldCompileAndRunTheReadmeEmbeddingExample() throws Exception
    {
        final String readme = Files.readString(Path.of("..", "README.md"));
        final String block = between(readme, "<!-- embedding-example:start -->", "<!-- embedding-example:end -->");
        final String source = between(block, "```java", "```");
        final String expected = between(readme.substring(readme.indexOf("It prints:")), "```", "```").strip();

        final Path dir = Files.createTempDirectory("readme-example");
        Files.writeString(dir.resolve("EmbeddingExample.java"), source);
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int rc = compiler.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
            "-d", dir.toString(), dir.resolve("EmbeddingExample.java").toString());
        assertEquals(0, rc, "README example does not compile:\n" + diagnostics);

        final PrintStream original = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader()))
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("EmbeddingExample").getMethod("main", String[].class).invoke(null, (Object)new String[0]);
        }
        finally
        {
            System.setOut(original);
        }
        assertEquals(expected, out.toString(StandardCharsets.UTF_8).strip());
    }

    private static String between(final String text, final String start, final String end)
    {
        final int from = text.indexOf(start);
        final int to = text.indexOf(end, from + start.length());
        if (from < 0 || to < 0)
        {
            throw new AssertionError("README has no section between '" + start + "' and '" + end + "'");
        }
        return text.substring(from + start.length(), to);
    }
}
