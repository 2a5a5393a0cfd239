package io.basalt.engine.acceptance.targets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs Basalt's replicated target from the shaded engine jar: {@code target --volume ... --replica ...},
 * with the volume's replica protocol secret in {@code BASALT_REPLICA_SECRET} (never on the command line).
 */
public final class ReplicatedTargetLauncher {

    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Path jar;

    public ReplicatedTargetLauncher(Path jar) {
        this.jar = jar;
    }

    /** What to serve: the volume, its replicas as {@code NAME@HOST:PORT}, and the fixed ports to serve on. */
    public record Spec(String volume, String iqn, List<String> replicas, int iscsiPort, String mgmt, byte[] secret,
                       List<String> extraOptions) {
    }

    public RunningTarget start(Spec spec, Path logs) {
        String host = "127.0.0.1";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "target",
                "--volume", spec.volume(), "--iqn", spec.iqn(), "--listen", host + ":" + spec.iscsiPort(),
                "--mgmt", spec.mgmt()));
        spec.replicas().forEach(replica -> command.addAll(List.of("--replica", replica)));
        command.addAll(spec.extraOptions());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BASALT_REPLICA_SECRET", new String(spec.secret(), StandardCharsets.UTF_8));
        Path log = logs.resolve("target-" + spec.volume() + "-" + System.nanoTime() + ".log");
        RunningTarget target = new RunningTarget("basalt-replicated", RunningTarget.startLogged(builder, log), log,
                host, spec.iscsiPort(), spec.iqn(), 0, java.util.Optional.empty(), STOP_GRACE);
        target.awaitListening();
        return target;
    }
}
