package io.ringlog.example.ledger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiles each of the README's Java examples as it stands and checks it prints what the README says below it. */
class ReadmeExampleTest
{
    @ParameterizedTest
    @CsvSource({"embedding-example, EmbeddingExample", "inline-listener-example, InlineListenerExample",
        "upcaster-example, UpcasterExample"})
    void shouldCompileAndRunTheReadmeExample(final String marker, final String className) throws Exception
    {
        final String readme = Files.readString(Path.of("..", "README.md"));
        final String block = between(readme, "<!-- " + marker + ":start -->", "<!-- " + marker + ":end -->");
        final String source = between(block, "```java", "```");
        assertTrue(source.contains("public class " + className), "the example's class is " + className);
        final String after = readme.substring(readme.indexOf("<!-- " + marker + ":end -->"));
        final String expected = between(after.substring(after.indexOf("It prints:")), "```", "```").strip();

        final Path dir = Files.createTempDirectory("readme-example");
        try
        {
            Files.writeString(dir.resolve(className + ".java"), source);
            final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
            final int rc = compiler.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), dir.resolve(className + ".java").toString());
            assertEquals(0, rc, "README example does not compile:\n" + diagnostics);

            final PrintStream original = System.out;
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader()))
            {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                loader.loadClass(className).getMethod("main", String[].class).invoke(null, (Object)new String[0]);
            }
            finally
            {
                System.setOut(original);
            }
            assertEquals(expected, out.toString(StandardCharsets.UTF_8).strip());
        }
        finally
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
            }
        }
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
