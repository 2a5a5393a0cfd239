package io.basalt.driver.exec;

import java.util.OptionalInt;

/**
 * An external command that could not be started, ran out of time, or exited with an error.
 * Carries the command line and the output with every secret of the command masked.
 */
public final class CommandException extends RuntimeException {

    /** Why the command did not do its work. */
    public enum Failure {
        /** The program could not be started (missing, not executable). */
        NOT_STARTED,
        /** It ran longer than its time limit and was killed. */
        TIMED_OUT,
        /** It exited with a status other than the ones the caller accepts. */
        EXITED,
        /** The calling thread was interrupted (the call was cancelled) and the command was killed. */
        INTERRUPTED
    }

    private final Failure failure;
    private final String commandLine;
    private final OptionalInt exitCode;
    private final String stdout;
    private final String stderr;

    private CommandException(Failure failure, Command command, OptionalInt exitCode, String stdout, String stderr,
                             String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.commandLine = command.display();
        this.exitCode = exitCode;
        this.stdout = command.mask(stdout);
        this.stderr = command.mask(stderr);
    }

    public static CommandException notStarted(Command command, Throwable cause) {
        return new CommandException(Failure.NOT_STARTED, command, OptionalInt.empty(), "", "",
                "`" + command.display() + "` could not be started: " + command.mask(String.valueOf(cause.getMessage())),
                cause);
    }

    public static CommandException timedOut(Command command, String stdout, String stderr) {
        return new CommandException(Failure.TIMED_OUT, command, OptionalInt.empty(), stdout, stderr,
                "`" + command.display() + "` did not finish within " + command.timeout() + " and was killed"
                        + outputSuffix(command, stdout, stderr), null);
    }

    public static CommandException interrupted(Command command) {
        return new CommandException(Failure.INTERRUPTED, command, OptionalInt.empty(), "", "",
                "`" + command.display() + "` was killed because its caller was interrupted", null);
    }

    public static CommandException exited(Command command, CommandResult result) {
        return new CommandException(Failure.EXITED, command, OptionalInt.of(result.exitCode()),
                result.stdout(), result.stderr(),
                "`" + command.display() + "` exited with status " + result.exitCode()
                        + outputSuffix(command, result.stdout(), result.stderr()), null);
    }

    private static String outputSuffix(Command command, String stdout, String stderr) {
        String output = (stderr.isBlank() ? stdout : stderr).strip();
        return output.isEmpty() ? "" : ": " + command.mask(output);
    }

    public Failure failure() {
        return failure;
    }

    /** The command line, secrets masked. */
    public String commandLine() {
        return commandLine;
    }

    /** The exit status, when the command ran to its end. */
    public OptionalInt exitCode() {
        return exitCode;
    }

    public String stdout() {
        return stdout;
    }

    public String stderr() {
        return stderr;
    }
}
