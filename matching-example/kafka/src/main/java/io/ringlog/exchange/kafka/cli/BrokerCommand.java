package io.ringlog.exchange.kafka.cli;

import io.ringlog.journal.ProcessFileLock;
import io.ringlog.journal.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/** {@code exchange kafka broker}: a local one-node KRaft broker, in the foreground. */
@CommandLine.Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a local one-node Kafka broker (KRaft: broker and controller in one process) from the Kafka " +
        "jars Maven fetched, in the foreground until Ctrl-C or SIGTERM. The first run formats DIR; later runs keep " +
        "its topics. Prints 'bootstrap-servers:' once clients can connect.",
        "Internal topics have one replica, which suits one machine and nothing else."})
final class BrokerCommand implements Callable<Integer>
{
    private static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";

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

    /** The file a running broker holds locked in its directory. */
    static final String LOCK_FILE = "broker.lock";

    /** This broker's lock on its directory, held until the process exits. */
    private ProcessFileLock held;

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
        final PrintWriter err = spec.commandLine().getErr();
        for (final int each : new int[]{port, controllerPort})
        {
            if (!free(each))
            {
                err.println("error: port " + each + " on localhost is in use (another broker?): stop what holds it, or " +
                    "give this one another " + (each == port ? "--port" : "--controller-port"));
                return CliSupport.FAILED;
            }
        }
        // A reviewer's finding: a second broker on the same directory was refused by Kafka's own lock only after it had
        // rewritten server.properties with its ports, rotated the first one's log and started a controller, which left
        // the running broker unable to create topics or stop. Held for this process's life; the system drops it at exit.
        final String running = lockDirectory();
        if (running != null)
        {
            err.println("error: " + running);
            return CliSupport.FAILED;
        }
        final Path log = logToFile();
        final LocalBroker broker;
        try
        {
            broker = LocalBroker.start(dir, port, controllerPort);
        }
        catch (final Exception ex)
        {
            err.println("error: the broker did not start: " + reason(ex) + (log != null ? " (its log: " + log + ")" : ""));
            return CliSupport.FAILED;
        }
        final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            if (ended.get())
            {
                broker.close();
                return;
            }
            // A newcomer's note: SIGTERM ended it with 143 and no word, where every other command says how it ended.
            out.println("broker: stopping (a signal); its topics stay in " + dir.resolve("data") + ", and the same " +
                "command starts it again on them");
            out.flush();
            broker.close();
            out.println("broker: stopped");
            out.flush();
        }, "broker-shutdown"));
        if (broker.formatted())
        {
            out.println("formatted: " + dir.resolve("data"));
        }
        out.println("bootstrap-servers: " + broker.bootstrapServers());
        out.println("config: " + dir.resolve("server.properties"));
        if (log != null)
        {
            out.println("log: " + log + " (the broker's warnings and errors, this run's; the last run's in " +
                log.getFileName() + ".1)");
        }
        out.flush();
        broker.awaitShutdown();
        ended.set(true);
        return ExchangeKafkaCli.OK;
    }

    /** This broker's claim on its directory, or why another broker holds it; null once claimed. */
    private String lockDirectory() throws IOException
    {
        Files.createDirectories(dir);
        ProcessFileLock lock;
        try
        {
            lock = ProcessFileLock.tryAcquire(dir.resolve(LOCK_FILE));
        }
        catch (final OverlappingFileLockException ex)
        {
            // Held in this process: a broker started here.
            lock = null;
        }
        if (lock == null || heldByAnother(dir.resolve("data").resolve(".lock")))
        {
            if (lock != null)
            {
                lock.close();
            }
            return "a broker is running on " + dir + " already (it holds " + (lock == null ? dir.resolve(LOCK_FILE) :
                dir.resolve("data").resolve(".lock")) + "): nothing was changed. Stop it first, or give this one another -d";
        }
        held = lock;
        return null;
    }

    /** Whether another process holds {@code file}'s lock (Kafka's own, of a broker started before this command kept one). */
    private static boolean heldByAnother(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file,
            StandardOpenOption.WRITE))
        {
            final FileLock probe = channel.tryLock();
            if (probe == null)
            {
                return true;
            }
            probe.release();
            return false;
        }
        catch (final OverlappingFileLockException ex)
        {
            // Held in this process: a broker started here.
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static boolean free(final int port)
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("localhost", port));
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** The innermost message of a failure: Kafka wraps the one that says what happened. */
    private static String reason(final Throwable failure)
    {
        String reason = String.valueOf(failure.getMessage());
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause())
        {
            if (cause.getMessage() != null)
            {
                reason = cause.getMessage();
            }
        }
        return reason;
    }

    /**
     * Sends Kafka's own log to DIR/broker.log, as a broker keeps its server log: its warnings (a first start on
     * empty metadata, a client closed twice at shutdown) and errors with their stack traces (a produce request
     * it refused from a producer that was killed) are for reading when something goes wrong, not for the
     * terminal, which shows this command's lines. The last run's log is kept as broker.log.1. Null where the
     * user chose a log file of their own (-Dorg.slf4j.simpleLogger.logFile).
     */
    private Path logToFile() throws IOException
    {
        if (System.getProperty(LOG_FILE) != null)
        {
            return null;
        }
        Files.createDirectories(dir);
        final Path log = dir.resolve("broker.log");
        if (Files.exists(log))
        {
            Files.move(log, dir.resolve("broker.log.1"), StandardCopyOption.REPLACE_EXISTING);
        }
        // Read when Kafka's first logger is made, which is after this.
        System.setProperty(LOG_FILE, log.toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        return log;
    }
}
