package io.basalt.engine;

import io.basalt.engine.cli.CtlCommand;
import io.basalt.engine.cli.PoolCommand;
import io.basalt.engine.cli.TargetCommand;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The engine's command line: one subcommand per role the engine process can play. */
@Command(name = "basalt-engine", mixinStandardHelpOptions = true,
        description = "Basalt data plane.",
        subcommands = {TargetCommand.class, PoolCommand.class, CtlCommand.class, CommandLine.HelpCommand.class})
public final class EngineMain {

    private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    public static void main(String[] args) {
        CompilerDirectives.apply();
        withoutLeakSampling();
        System.exit(commandLine().execute(args));
    }

    /**
     * Netty samples buffers for leak detection by default and records a stack trace for each one
     * sampled: through the replication path's chains of futures that is a deep walk for about one
     * write in ten, a tenth of the target's time. The engine runs without it unless
     * {@code -Dio.netty.leakDetection.level} asks for it; the unit tests run paranoid.
     */
    private static void withoutLeakSampling() {
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** The command line, exiting with 2 on usage errors (picocli's convention). */
    public static CommandLine commandLine() {
        return new CommandLine(new EngineMain());
    }
}
