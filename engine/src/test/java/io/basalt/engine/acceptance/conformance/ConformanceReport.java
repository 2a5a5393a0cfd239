package io.basalt.engine.acceptance.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-test outcome of one run of libiscsi's conformance suite, read from the verbose console
 * output of {@code iscsi-test-cu}. CUnit only knows passed and failed; libiscsi reports a test it
 * cannot apply to the target (an optional command is unsupported, say) as passed after printing
 * {@code [SKIPPED]}, so a passed test with such a line counts as skipped here.
 */
public record ConformanceReport(List<TestResult> results, Optional<Totals> reportedTotals) {

    public enum Outcome { PASSED, SKIPPED, FAILED, UNFINISHED }

    /**
     * One test, named {@code Suite.Test}, with everything printed after its name (failure messages
     * carry the sense data; a suite's teardown output lands on its last test).
     */
    public record TestResult(String name, Outcome outcome, String output) {
    }

    /** The "tests" line of CUnit's run summary. */
    public record Totals(int total, int ran, int passed, int failed) {
    }

    private static final Pattern BLOCK_START = Pattern.compile("(?m)^(?=Suite: |  Test: |Run Summary:)");
    private static final Pattern TEST_HEADER = Pattern.compile("^  Test: (.*?) \\.\\.\\.");
    private static final Pattern FAILED_MARK = Pattern.compile("(?m)(^|\\.\\.\\.)FAILED(\\s|$)");
    private static final Pattern PASSED_MARK = Pattern.compile("(?m)(^|\\.\\.\\.)passed(\\s|$)");
    private static final Pattern TEST_TOTALS = Pattern.compile(
            "(?m)^\\s+tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\d+\\s*$");

    public static ConformanceReport parse(String consoleOutput) {
        List<TestResult> results = new ArrayList<>();
        String suite = "";
        for (String block : BLOCK_START.split(consoleOutput)) {
            if (block.startsWith("Suite: ")) {
                suite = block.lines().findFirst().orElseThrow().substring("Suite: ".length()).strip();
            } else if (block.startsWith("  Test: ")) {
                Matcher header = TEST_HEADER.matcher(block);
                if (!header.find()) {
                    throw new IllegalArgumentException("unreadable test header: " + block.lines().findFirst().orElse(""));
                }
                results.add(new TestResult(suite + "." + header.group(1), outcomeOf(block), block.substring(header.end()).strip()));
            }
        }
        Matcher totals = TEST_TOTALS.matcher(consoleOutput);
        Optional<Totals> reported = totals.find()
                ? Optional.of(new Totals(Integer.parseInt(totals.group(1)), Integer.parseInt(totals.group(2)),
                Integer.parseInt(totals.group(3)), Integer.parseInt(totals.group(4))))
                : Optional.empty();
        return new ConformanceReport(List.copyOf(results), reported);
    }

    private static Outcome outcomeOf(String block) {
        if (FAILED_MARK.matcher(block).find()) {
            return Outcome.FAILED;
        }
        if (PASSED_MARK.matcher(block).find()) {
            return block.contains("[SKIPPED]") ? Outcome.SKIPPED : Outcome.PASSED;
        }
        return Outcome.UNFINISHED;
    }

    /** The suite ran to its end (CUnit printed its summary) and every test has an outcome. */
    public boolean complete() {
        return reportedTotals.isPresent() && count(Outcome.UNFINISHED) == 0;
    }

    /** Our reading agrees with CUnit's own totals, so no test was mis-attributed. */
    public boolean agreesWithReportedTotals() {
        return reportedTotals.map(t -> t.ran() == results.size()
                && t.failed() == count(Outcome.FAILED)
                && t.passed() == count(Outcome.PASSED) + count(Outcome.SKIPPED)).orElse(false);
    }

    public int count(Outcome outcome) {
        return (int) results.stream().filter(r -> r.outcome() == outcome).count();
    }

    public List<TestResult> withOutcome(Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).toList();
    }

    /** One line: totals as the acceptance criterion states them. */
    public String headline() {
        return results.size() + " tests, " + count(Outcome.PASSED) + " passed, " + count(Outcome.SKIPPED)
                + " skipped, " + count(Outcome.FAILED) + " failed"
                + (complete() ? "" : ", " + count(Outcome.UNFINISHED) + " unfinished (run cut short)");
    }

    /** Headline, then every failed and skipped test with the lines it printed. */
    public String describe() {
        StringBuilder text = new StringBuilder(headline()).append('\n');
        for (Outcome outcome : List.of(Outcome.FAILED, Outcome.UNFINISHED, Outcome.SKIPPED)) {
            for (TestResult result : withOutcome(outcome)) {
                text.append('\n').append(outcome).append(' ').append(result.name()).append('\n');
                result.output().lines()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.equals("passed") && !line.equals("FAILED"))
                        .forEach(line -> text.append("    ").append(line).append('\n'));
            }
        }
        return text.toString();
    }
}
