package io.ringlog.outside;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a service that embeds ringlog gets from Maven: the compile and runtime dependencies of the
 * library artifacts, followed through this repository's own poms as Maven follows them (optional and
 * test dependencies of a dependency are not inherited). A logging backend or a CLI library among them
 * would be forced on every embedder: two SLF4J providers, the wrong one chosen, picocli for nothing.
 * The scripts' jars have them; the libraries must not.
 */
class LibraryDependenciesIT
{
    /** What an embedder adds to its pom, one or more of. */
    private static final List<String> LIBRARIES = List.of("ringlog-core", "ringlog-journal", "ringlog-replication",
        "ringlog-kafka", "ringlog-matching-example", "ringlog-exchange-replication", "ringlog-exchange-kafka");
    /** Never a library's to choose: a logging backend, the command lines' parser, a test framework. */
    private static final List<String> FORBIDDEN = List.of("org.slf4j:slf4j-simple", "ch.qos.logback:",
        "org.apache.logging.log4j:log4j-core", "org.slf4j:slf4j-reload4j", "info.picocli:picocli", "org.junit",
        "org.apache.kafka:kafka_");

    @Test
    void shouldGiveAnEmbedderNoLoggingBackendNorCommandLineLibrary() throws Exception
    {
        final Map<String, Element> poms = poms(Repository.root());
        for (final String library : LIBRARIES)
        {
            assertTrue(poms.containsKey(library), "no module " + library + " in " + poms.keySet());
        }
        final Map<String, String> managedScopes = managedScopes(poms.get("ringlog-parent"));
        final List<String> forced = new ArrayList<>();
        final Set<String> reached = new HashSet<>();
        for (final String library : LIBRARIES)
        {
            walk(library, library, poms, managedScopes, new HashSet<>(), reached, forced);
        }
        assertEquals(List.of(), forced, "an embedder would get these through ringlog's libraries");
        // The walk itself reaches what the libraries do need (else it proves nothing).
        assertTrue(reached.contains("com.lmax:disruptor") && reached.contains("net.openhft:chronicle-queue") &&
            reached.contains("io.aeron:aeron-client") && reached.contains("uk.co.real-logic:sbe-tool"), reached.toString());
    }

    private static void walk(final String artifact, final String chain, final Map<String, Element> poms,
        final Map<String, String> managedScopes, final Set<String> seen, final Set<String> reached,
        final List<String> forced)
    {
        if (!seen.add(artifact))
        {
            return;
        }
        final Element dependencies = child(poms.get(artifact), "dependencies");
        if (dependencies == null)
        {
            return;
        }
        for (final Element dependency : children(dependencies, "dependency"))
        {
            final String group = text(dependency, "groupId");
            final String id = text(dependency, "artifactId");
            final String key = group + ":" + id;
            String scope = text(dependency, "scope");
            if (scope == null)
            {
                scope = managedScopes.getOrDefault(key, "compile");
            }
            if ("true".equals(text(dependency, "optional")) || !(scope.equals("compile") || scope.equals("runtime")) ||
                "test-jar".equals(text(dependency, "type")))
            {
                continue;
            }
            reached.add(key);
            final String path = chain + " -> " + id;
            for (final String banned : FORBIDDEN)
            {
                if (key.startsWith(banned))
                {
                    forced.add(path);
                }
            }
            if (poms.containsKey(id) && "io.ringlog".equals(group))
            {
                walk(id, path, poms, managedScopes, seen, reached, forced);
            }
        }
    }

    /** Every module's pom under the root, by artifactId (the parent's too). */
    private static Map<String, Element> poms(final Path root) throws Exception
    {
        final Map<String, Element> poms = new HashMap<>();
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path pom : (Iterable<Path>)files.filter((path) -> path.getFileName().toString().equals("pom.xml") &&
                !path.toString().contains("/target/") && !path.toString().contains("/.git/"))::iterator)
            {
                final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
                final Element project = document.getDocumentElement();
                poms.put(text(project, "artifactId"), project);
            }
        }
        return poms;
    }

    private static Map<String, String> managedScopes(final Element parent)
    {
        final Map<String, String> scopes = new HashMap<>();
        final Element management = child(parent, "dependencyManagement");
        final Element dependencies = management == null ? null : child(management, "dependencies");
        if (dependencies != null)
        {
            for (final Element dependency : children(dependencies, "dependency"))
            {
                final String scope = text(dependency, "scope");
                if (scope != null)
                {
                    scopes.put(text(dependency, "groupId") + ":" + text(dependency, "artifactId"), scope);
                }
            }
        }
        return scopes;
    }

    private static Element child(final Element element, final String name)
    {
        final List<Element> found = children(element, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(final Element element, final String name)
    {
        final List<Element> found = new ArrayList<>();
        final NodeList nodes = element.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Node node = nodes.item(i);
            if (node instanceof Element child && child.getTagName().equals(name))
            {
                found.add(child);
            }
        }
        return found;
    }

    private static String text(final Element element, final String name)
    {
        final Element child = child(element, name);
        return child == null ? null : child.getTextContent().strip();
    }
}
