package io.basalt.driver.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The real runner, running real (harmless) programs. */
class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void successfulCommandReportsExitZero() {
        CommandResult result = runner.execute(Command.of("true"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.succeeded()).isTrue();
    }

    @Test
    void failingCommandReportsItsExitStatusWithoutThrowingFromExecute() {
        CommandResult result = runner.execute(Command.of("false"));

        assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void runRejectsAnExitStatusTheCallerDoesNotAccept() {
        assertThatThrownBy(() -> runner.run(Command.of("sh", "-c", "echo broken >&2; exit 3")))
                .isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.failure()).isEqualTo(CommandException.Failure.EXITED);
                    assertThat(e.exitCode()).hasValue(3);
                    assertThat(e.stderr()).isEqualTo("broken\n");
                    assertThat(e.commandLine()).isEqualTo("sh -c echo broken >&2; exit 3");
                    assertThat(e).hasMessage("`sh -c echo broken >&2; exit 3` exited with status 3: broken");
                });
    }

    @Test
    void runAcceptsTheExitStatusesTheCallerNames() {
        CommandResult result = runner.run(Command.of("sh", "-c", "exit 21"), 0, 21);

        assertThat(result.exitCode()).isEqualTo(21);
    }

    @Test
    void standardOutputAndErrorAreCapturedSeparately() {
        CommandResult result = runner.execute(Command.of("sh", "-c", "printf 'out\\n'; printf 'err\\n' >&2"));

        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void commandsRunInTheCLocale() {
        assertThat(runner.execute(Command.of("sh", "-c", "echo $LC_ALL")).stdout()).isEqualTo("C\n");
    }

    @Test
    void commandOutlivingItsTimeLimitIsKilledAndReported() {
        Command sleep = Command.of("sleep", "30").withTimeout(Duration.ofMillis(200));
        long started = System.nanoTime();

        assertThatThrownBy(() -> runner.execute(sleep))
                .isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.failure()).isEqualTo(CommandException.Failure.TIMED_OUT);
                    assertThat(e.exitCode()).isEmpty();
                    assertThat(e).hasMessageContaining("`sleep 30` did not finish within PT0.2S and was killed");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("killed, not waited for")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void missingProgramIsReportedAsNotStarted() {
        assertThatThrownBy(() -> runner.execute(Command.of("/nonexistent/basalt-no-such-program")))
                .isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.failure()).isEqualTo(CommandException.Failure.NOT_STARTED);
                    assertThat(e).hasMessageContaining("/nonexistent/basalt-no-such-program` could not be started");
                });
    }

    @Test
    void secretArgumentReachesTheProgramButNeverTheError() {
        Command echoSecret = Command.builder("sh").args("-c", "echo \"$0\" >&2; exit 1")
                .secretArg("s3cr3t-chap-pass").build();

        assertThatThrownBy(() -> runner.run(echoSecret))
                .isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("s3cr3t-chap-pass").contains("******");
                    assertThat(e.commandLine()).isEqualTo("sh -c echo \"$0\" >&2; exit 1 ******");
                    assertThat(e.stderr()).isEqualTo("******\n");
                });
    }
}
