package io.ringlog.outside;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Embedding as the README shows it, in a fresh JVM as a user's service would run: the README's JVM
 * flag lists are the build's (the parent pom's properties), its embedding example runs with the core
 * list alone on a core user's classpath (and fails without it, as the README says), its journal
 * example runs with both lists, and its Maven coordinates name this build's artifacts.
 */
class EmbeddingIT
{
    private static final Duration RUN = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    @Test
    void shouldListTheFlagsTheBuildUses() throws IOException
    {
        assertEquals(property("ringlog.jvm.flags.core"), readmeFlags("jvm-flags-core"));
        assertEquals(property("ringlog.jvm.flags.journal"), readmeFlags("jvm-flags-journal"));
    }

    @Test
    void shouldRunTheEmbeddingExampleWithTheCoreFlagsAloneAndFailWithout() throws Exception
    {
        // What a core user has: ringlog-core and its two dependencies, plus the example's ledger.
        final String classpath = classpath("ringlog-core", "core/target/classes", "agrona-", "disruptor-",
            "matching-example/target/classes", "ringlog-matching-example-");
        final Path classes = compile("EmbeddingExample", section("embedding-example"), classpath);
        final Shell shell = new Shell(temp, Map.of());
        final String run = "java " + String.join(" ", readmeFlags("jvm-flags-core")) + " -cp " + classes +
            File.pathSeparator + classpath + " EmbeddingExample";
        final Shell.Result result = shell.run(run, RUN).expectOk();
        assertEquals(printed("embedding-example"), result.out().strip());
        assertEquals("", result.err(), "nothing on stderr");

        final Shell.Result without = shell.run("java -cp " + classes + File.pathSeparator + classpath +
            " EmbeddingExample", RUN);
        assertNotEquals(0, without.code(), "the README says the core flag is needed\n" + without);
        assertTrue(without.err().contains("jdk.internal.misc"), without.toString());
    }

    @Test
    void shouldSayWhatPinningNeedsWhenACoreUserPinsWithoutTheAffinityLibrary() throws Exception
    {
        final String classpath = classpath("ringlog-core", "core/target/classes", "agrona-", "disruptor-");
        final String program = "```java\n" +
            "import io.ringlog.core.*;\n" +
            "public class PinWithoutAffinity {\n" +
            "    public static void main(String[] args) {\n" +
            "        StateMachine none = new StateMachine() {\n" +
            "            public void apply(Command command, Output output) { }\n" +
            "            public long stateHash() { return 0; }\n" +
            "            public int writeSnapshot(org.agrona.MutableDirectBuffer b, int o) { return 0; }\n" +
            "            public void loadSnapshot(org.agrona.DirectBuffer b, int o, int l) { }\n" +
            "        };\n" +
            "        try {\n" +
            "            Engine.launch(new EngineContext().topology(Topology.COMPACT).stateMachine(none).stageCpu(\"compact\", 0));\n" +
            "            System.out.println(\"launched\");\n" +
            "        } catch (IllegalArgumentException ex) {\n" +
            "            System.out.println(ex.getMessage());\n" +
            "        }\n" +
            "    }\n" +
            "}\n```";
        final Path classes = compile("PinWithoutAffinity", program, classpath);
        final Shell.Result result = new Shell(temp, Map.of()).run("java " + String.join(" ", readmeFlags("jvm-flags-core")) +
            " -cp " + classes + File.pathSeparator + classpath + " PinWithoutAffinity", RUN).expectOk();
        assertTrue(result.out().startsWith("stageCpu(\"compact\", 0): pinning threads needs net.openhft:affinity on the " +
            "class path"), result.toString());
        assertEquals("", result.err(), "nothing on stderr");
    }

    @Test
    void shouldRunTheJournalExampleWithBothFlagListsAndRecoverOnTheSecondRun() throws Exception
    {
        final String classpath = System.getProperty("java.class.path");
        final Path classes = compile("JournalExample", section("journal-example"), classpath);
        final List<String> flags = new ArrayList<>(readmeFlags("jvm-flags-core"));
        flags.addAll(readmeFlags("jvm-flags-journal"));
        // No logging option: what a user who copies the example sees (matching-example's simplelogger.properties).
        final Shell.Result result = new Shell(temp, Map.of()).run("java " + String.join(" ", flags) +
            " -cp " + classes + File.pathSeparator + classpath + " JournalExample " + temp.resolve("ledger"), RUN).expectOk();
        assertEquals(printed("journal-example"), result.out().strip());
        UserOutput.assertNoStackTrace(result);
        assertEquals("", result.err(), "Chronicle's INFO lines are not on stderr");
    }

    @Test
    void shouldGiveCoordinatesOfThisBuildsArtifacts() throws IOException
    {
        final String xml = section("maven-coordinates");
        final Matcher dependency = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*" +
            "<version>([^<]+)</version>").matcher(xml);
        int found = 0;
        while (dependency.find())
        {
            found++;
            assertEquals("io.ringlog", dependency.group(1));
            assertEquals(property("ringlog.version").get(0), dependency.group(3));
            final String module = dependency.group(2).substring("ringlog-".length());
            final String pom = Files.readString(Repository.root().resolve(module).resolve("pom.xml"));
            assertTrue(pom.contains("<artifactId>" + dependency.group(2) + "</artifactId>"),
                "README names " + dependency.group(2) + ", which " + module + "/pom.xml does not build");
        }
        assertEquals(2, found, xml);
    }

    private Path compile(final String className, final String block, final String classpath) throws IOException
    {
        final String source = between(block, "```java", "```");
        final Path dir = Files.createDirectories(temp.resolve(className));
        Files.writeString(dir.resolve(className + ".java"), source);
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int rc = compiler.run(null, diagnostics, diagnostics, "-classpath", classpath, "-d", dir.toString(),
            dir.resolve(className + ".java").toString());
        assertEquals(0, rc, "the README's " + className + " does not compile:\n" + diagnostics);
        return dir;
    }

    /** Entries of this test's classpath whose path contains one of the given pieces. */
    private static String classpath(final String... pieces)
    {
        final String joined = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter((entry) -> Arrays.stream(pieces).anyMatch((piece) -> entry.replace('\\', '/').contains(piece)))
            .collect(Collectors.joining(File.pathSeparator));
        assertTrue(joined.contains("agrona") && joined.contains("disruptor"), joined);
        return joined;
    }

    private static List<String> property(final String name)
    {
        final String value = System.getProperty(name);
        assertTrue(value != null && !value.isBlank(), "the build passes " + name);
        return List.of(value.strip().split("\\s+"));
    }

    private static List<String> readmeFlags(final String marker) throws IOException
    {
        return List.of(between(section(marker), "```", "```").strip().split("\\s+"));
    }

    /** What the README shows under "It prints:" after the marked section. */
    private static String printed(final String marker) throws IOException
    {
        final String readme = readme();
        final String after = readme.substring(readme.indexOf("<!-- " + marker + ":end -->"));
        return between(after.substring(after.indexOf("It prints:")), "```", "```").strip();
    }

    private static String section(final String marker) throws IOException
    {
        return between(readme(), "<!-- " + marker + ":start -->", "<!-- " + marker + ":end -->");
    }

    private static String readme() throws IOException
    {
        return Files.readString(Repository.root().resolve("README.md"));
    }

    private static String between(final String text, final String start, final String end)
    {
        final int from = text.indexOf(start);
        final int to = from < 0 ? -1 : text.indexOf(end, from + start.length());
        if (from < 0 || to < 0)
        {
            return fail("README.md has no section between '" + start + "' and '" + end + "'");
        }
        return text.substring(from + start.length(), to);
    }
}
