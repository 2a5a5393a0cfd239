package io.basalt.sandbox;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.sandbox.print.ResourcePrinter;
import io.basalt.sandbox.tour.CsiClient;
import io.basalt.sandbox.tour.Narrator;
import io.basalt.sandbox.tour.Tour;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code java -jar basalt-sandbox.jar [--serve] [--csi-endpoint unix:///PATH]}: the stack, and a volume's life through it. */
@Command(name = "basalt-sandbox", mixinStandardHelpOptions = true,
        description = {"Runs Basalt on this machine with no cluster: an embedded Kubernetes API with Basalt's CRDs,"
                + " the operator, the CSI driver, and the engine pods the operator asks for as local processes on"
                + " loopback addresses; then takes a volume through its life (create, bind, write and read over"
                + " iSCSI, grow, snapshot, clone, delete) and prints the resources at each step."},
        footer = {"", "Exit codes: 0 the tour passed (with --serve: and the stack stopped on SIGTERM/SIGINT),"
                + " 1 a step failed or the stack did not start, 2 bad arguments."})
public final class SandboxMain implements Callable<Integer> {

    private static final String[] NODES = {"node-a", "node-b", "node-c"};
    private static final List<String> FAILURE_VIEW = List.of("spc", "sp", "vc", "vt", "vr", "bsnap", "deploy", "pods", "svc");

    @Option(names = "--serve", description = "Keep the stack up after the tour until SIGTERM or SIGINT.")
    private boolean serve;

    @Option(names = "--csi-endpoint", paramLabel = "unix:///PATH",
            description = "The driver's socket (default: unix://<data-dir>/csi.sock).")
    private String csiEndpoint;

    @Option(names = "--data-dir", defaultValue = ".data/sandbox",
            description = "Where the sandbox keeps the kubeconfig, logs and the nodes' directories; emptied at"
                    + " start (default: ${DEFAULT-VALUE}).")
    private Path dataDirectory;

    @Option(names = "--engine-jar", defaultValue = "engine/target/basalt-engine.jar",
            description = "The engine jar that pool and target pods run (default: ${DEFAULT-VALUE}).")
    private Path engineJar;

    @Option(names = "--operator-jar", defaultValue = "operator/target/basalt-operator.jar",
            description = "The operator jar (default: ${DEFAULT-VALUE}).")
    private Path operatorJar;

    @Option(names = "--driver-jar", defaultValue = "driver/target/basalt-driver.jar",
            description = "The CSI driver jar (default: ${DEFAULT-VALUE}).")
    private Path driverJar;

    @Option(names = "--operator-arg", paramLabel = "ARG",
            description = "A further argument for the operator (repeatable), e.g. --operator-arg=--replica-grace-period=30s.")
    private List<String> operatorArguments = new ArrayList<>();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SandboxMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path data = dataDirectory.toAbsolutePath().normalize();
        Path socket = socketPath(data);
        for (Path jar : List.of(engineJar, operatorJar, driverJar)) {
            if (!Files.isRegularFile(jar)) {
                err.println("basalt-sandbox: " + jar + " does not exist; build it first (bin/basalt build)");
                return 1;
            }
        }
        prepare(data);
        // The console is the tour's; the sandbox's own log goes to the data directory.
        System.setProperty("basalt.sandbox.log", data.resolve("logs/sandbox.log").toString());
        SandboxSettings settings = new SandboxSettings(data, socket, javaBinary(), engineJar.toAbsolutePath(),
                operatorJar.toAbsolutePath(), driverJar.toAbsolutePath(), List.of(NODES), operatorArguments);
        out.println("basalt sandbox: starting the API, the operator, the CSI driver and " + NODES.length
                + " pools on nodes " + String.join(", ", NODES) + "; logs in " + settings.logsDirectory());
        out.flush();
        Sandbox sandbox;
        long starting = System.nanoTime();
        try {
            sandbox = Sandbox.start(settings);
        } catch (RuntimeException e) {
            err.println("basalt sandbox: FAILED to start: " + e.getMessage());
            return 1;
        }
        Thread stopOnExit = new Thread(sandbox::close, "sandbox-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            out.printf("basalt sandbox: stack started in %.1fs%n", (System.nanoTime() - starting) / 1e9);
            printAddresses(out, sandbox);
            Narrator narrator = new Narrator(System.out, new ResourcePrinter(sandbox.client(),
                    BasaltResources.NAMESPACE, sandbox.api().crds(), Clock.systemUTC()));
            try (CsiClient csi = new CsiClient(socket)) {
                new Tour(sandbox.client(), csi, data.resolve("tour"), narrator, NODES.length).run();
            } catch (RuntimeException e) {
                err.println("basalt sandbox: FAILED after " + String.format("%.1f", narrator.elapsed().toMillis() / 1000.0)
                        + "s: " + e.getMessage());
                err.println("basalt sandbox: the cluster as it was then:");
                narrator.show(FAILURE_VIEW);
                err.println("basalt sandbox: logs in " + settings.logsDirectory());
                return 1;
            }
            narrator.milestone(String.format("tour finished in %.1fs", narrator.elapsed().toMillis() / 1000.0));
            if (serve) {
                printAddresses(out, sandbox);
                out.println("basalt sandbox: serving until SIGTERM or Ctrl-C; try: KUBECONFIG=" + settings.kubeconfig()
                        + " kubectl get spc,sp,vc,vt,vr,bsnap,deploy,pods,svc -n " + BasaltResources.NAMESPACE);
                out.flush();
                awaitStopSignal();
                out.println("basalt sandbox: stopping");
                out.flush();
            }
            return 0;
        } finally {
            sandbox.close();
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    private Path socketPath(Path data) {
        if (csiEndpoint == null) {
            return data.resolve("csi.sock");
        }
        if (!csiEndpoint.startsWith("unix:///")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--csi-endpoint must be unix:///absolute/path, not " + csiEndpoint);
        }
        return Path.of(csiEndpoint.substring("unix://".length()));
    }

    private static void printAddresses(PrintWriter out, Sandbox sandbox) {
        out.println("basalt sandbox: API " + sandbox.apiUrl());
        out.println("basalt sandbox: kubeconfig " + sandbox.settings().kubeconfig());
        out.println("basalt sandbox: CSI unix://" + sandbox.settings().csiSocket());
        out.flush();
    }

    /** Empties the data directory, leaving it in place: each run starts from nothing. */
    private static void prepare(Path directory) {
        try {
            if (Files.exists(directory)) {
                try (Stream<Path> paths = Files.walk(directory)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        if (!path.equals(directory)) {
                            Files.delete(path);
                        }
                    }
                }
            }
            Files.createDirectories(directory.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the sandbox's directory " + directory, e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static void awaitStopSignal() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        stop.await();
    }
}
