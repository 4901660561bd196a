package io.ringlog.journal;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a service that depends on ringlog-journal gets on its classpath: the engine, Chronicle Queue
 * and the SLF4J API, and nothing else. The journal tool's command-line library and logging backend
 * are optional, so they never reach a user's compile scope.
 */
class PackagingTest
{
    @Test
    void shouldGiveUsersOnlyCoreChronicleAndTheSlf4jApi() throws Exception
    {
        final Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(Path.of("pom.xml").toFile());
        final Element project = pom.getDocumentElement();
        final Element dependencies = (Element)project.getElementsByTagName("dependencies").item(0);
        final NodeList list = dependencies.getElementsByTagName("dependency");
        final List<String> reachUsers = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++)
        {
            final Element dependency = (Element)list.item(i);
            final String scope = text(dependency, "scope");
            final boolean optional = "true".equals(text(dependency, "optional"));
            if (!optional && (scope == null || scope.equals("compile") || scope.equals("runtime")))
            {
                reachUsers.add(text(dependency, "artifactId"));
            }
        }
        assertEquals(List.of("ringlog-core", "chronicle-queue", "slf4j-api"), reachUsers);
    }

    private static String text(final Element parent, final String tag)
    {
        final NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
    }
}
