package io.basalt.driver.exec;

/**
 * What a finished command left behind.
 *
 * @param exitCode the process's exit status
 * @param stdout everything it printed on standard output
 * @param stderr everything it printed on standard error
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    public static CommandResult exit(int exitCode, String stderr) {
        return new CommandResult(exitCode, "", stderr);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
