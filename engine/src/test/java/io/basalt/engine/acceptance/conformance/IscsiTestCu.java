package io.basalt.engine.acceptance.conformance;

import io.basalt.engine.acceptance.process.ExternalCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs libiscsi's conformance suite ({@code iscsi-test-cu}, package libiscsi-bin) against one LUN,
 * with the destructive (data-loss) tests enabled and two initiator names for the reservation tests.
 */
public final class IscsiTestCu {

    public static final String FIRST_INITIATOR = "iqn.2026-11.io.basalt.test:conformance-1";
    public static final String SECOND_INITIATOR = "iqn.2026-11.io.basalt.test:conformance-2";

    private IscsiTestCu() {
    }

    /** The raw console output of one run, and its parsed report. */
    public record Run(String consoleOutput, String errorOutput, ConformanceReport report, Duration elapsed,
                      boolean timedOut) {
    }

    public static Run allTests(String lunUrl, Path workDir, Duration limit) {
        List<String> command = List.of("iscsi-test-cu", "--test=ALL", "--dataloss", "--verbose",
                "--initiator-name=" + FIRST_INITIATOR, "--initiator-name-2=" + SECOND_INITIATOR, lunUrl);
        ExternalCommand.Result result;
        boolean timedOut = false;
        try {
            result = ExternalCommand.run(command, workDir, limit);
        } catch (ExternalCommand.CommandTimedOutException e) {
            result = e.partial();
            timedOut = true;
        }
        return new Run(result.stdout(), result.stderr(), ConformanceReport.parse(result.stdout()), result.elapsed(),
                timedOut);
    }
}
