package io.ringlog.exchange.kafka.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code exchange kafka broker}: a local one-node KRaft broker, in the foreground. */
@CommandLine.Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a local one-node Kafka broker (KRaft: broker and controller in one process) from the Kafka " +
        "jars Maven fetched, in the foreground until Ctrl-C or SIGTERM. The first run formats DIR; later runs keep " +
        "its topics. Prints 'bootstrap-servers:' once clients can connect.",
        "Internal topics have one replica, which suits one machine and nothing else."})
final class BrokerCommand implements Callable<Integer>
{
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-d", "--dir"}, defaultValue = "run/kafka", paramLabel = "DIR",
        description = "Where the broker keeps its configuration and data (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = {"-p", "--port"}, defaultValue = "9092", paramLabel = "PORT",
        description = "Client port on localhost (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", paramLabel = "PORT",
        description = "The KRaft controller's port on localhost (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        // Before the storage is formatted: Kafka's own refusal of a port out of range is a stack trace, after it.
        for (final int each : new int[]{port, controllerPort})
        {
            if (each < 1 || each > 65_535)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "ports are 1 to 65535: " + each);
            }
        }
        if (port == controllerPort)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port and --controller-port must differ: " + port);
        }
        final LocalBroker broker = LocalBroker.start(dir, port, controllerPort);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        if (broker.formatted())
        {
            out.println("formatted: " + dir.resolve("data"));
        }
        out.println("bootstrap-servers: " + broker.bootstrapServers());
        out.println("config: " + dir.resolve("server.properties"));
        out.flush();
        broker.awaitShutdown();
        return ExchangeKafkaCli.OK;
    }
}
