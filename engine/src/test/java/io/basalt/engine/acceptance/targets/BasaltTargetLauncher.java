package io.basalt.engine.acceptance.targets;

import io.basalt.testbed.FreePort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs Basalt's target from the shaded engine jar: {@code java -jar basalt-engine.jar target ...}. */
public final class BasaltTargetLauncher implements TargetLauncher {

    /** The target must stop cleanly on SIGTERM; give it time to drain before killing it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> targetOptions;

    public BasaltTargetLauncher(Path jar, List<String> jvmOptions) {
        this(jar, jvmOptions, List.of());
    }

    private BasaltTargetLauncher(Path jar, List<String> jvmOptions, List<String> targetOptions) {
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.targetOptions = List.copyOf(targetOptions);
    }

    public Path jar() {
        return jar;
    }

    /** The jar named by {@code basalt.engine.jar} (set by the build), else the module's target directory. */
    public static BasaltTargetLauncher fromSystemProperties() {
        Path jar = Path.of(System.getProperty("basalt.engine.jar", "target/basalt-engine.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("engine jar " + jar.toAbsolutePath()
                    + " is missing: build it with ./mvnw -B -pl engine package");
        }
        return new BasaltTargetLauncher(jar, List.of());
    }

    public BasaltTargetLauncher withJvmOptions(List<String> options) {
        return new BasaltTargetLauncher(jar, options, targetOptions);
    }

    /** Adds options of the {@code target} command beyond what a {@link TargetSpec} says, e.g. {@code --mgmt}. */
    public BasaltTargetLauncher withTargetOptions(List<String> options) {
        return new BasaltTargetLauncher(jar, jvmOptions, options);
    }

    @Override
    public String name() {
        return "basalt";
    }

    @Override
    public RunningTarget start(TargetSpec spec, Path workDir) {
        String host = "127.0.0.1";
        int port = FreePort.onLoopback();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "target",
                "--iqn", spec.iqn(),
                "--listen", host + ":" + port,
                "--backing-file", spec.backingFile().toAbsolutePath().toString(),
                "--size", Long.toString(spec.sizeBytes())));
        spec.chap().ifPresent(chap -> command.addAll(List.of("--chap-user", chap.user(), "--chap-secret", chap.secret())));
        spec.allowedInitiators().forEach(initiator -> command.addAll(List.of("--allow-initiator", initiator)));
        command.addAll(targetOptions);
        Path log = workDir.resolve("basalt-target-" + port + ".log");
        Process process = RunningTarget.startLogged(new ProcessBuilder(command), log);
        RunningTarget target = new RunningTarget(name(), process, log, host, port, spec.iqn(), 0, spec.chap(),
                STOP_GRACE);
        target.awaitListening();
        return target;
    }
}
