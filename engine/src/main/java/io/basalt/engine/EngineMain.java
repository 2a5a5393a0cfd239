package io.basalt.engine;

import io.basalt.engine.cli.CtlCommand;
import io.basalt.engine.cli.PoolCommand;
import io.basalt.engine.cli.TargetCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The engine's command line: one subcommand per role the engine process can play. */
@Command(name = "basalt-engine", mixinStandardHelpOptions = true,
        description = "Basalt data plane.",
        subcommands = {TargetCommand.class, PoolCommand.class, CtlCommand.class, CommandLine.HelpCommand.class})
public final class EngineMain {

    public static void main(String[] args) {
        CompilerDirectives.apply();
        System.exit(commandLine().execute(args));
    }

    /** The command line, exiting with 2 on usage errors (picocli's convention). */
    public static CommandLine commandLine() {
        return new CommandLine(new EngineMain());
    }
}
