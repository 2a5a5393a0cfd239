package io.basalt.engine.acceptance.conformance;

import io.basalt.engine.acceptance.conformance.ConformanceReport.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConformanceReportTest {

    private static final String COMPLETE_RUN = """
                 CUnit - A unit testing framework for C - Version 2.1-3

            Suite: Alpha
              Test: Plain ...passed
              Test: Optional ...    [SKIPPED] SOMECOMMAND is not implemented.
                [SKIPPED] SOMECOMMAND is not implemented.
            passed
            Suite: Beta
              Test: Broken ...    [FAILED] READ16 successful but should have failed with ILLEGAL_REQUEST(0x05)/LBA_OUT_OF_RANGE(0x2100)
            FAILED
                1. test_beta_broken.c:38  - CU_ASSERT_EQUAL(_r,0)
              Test: Chatty ...    Send a READ16 past the end
                Check the sense
            passed
            Suite: Gamma
              Test: TornDown ...passed    [FAILED] PRIN command: failed with sense. SENSE KEY:UNIT_ATTENTION(6)


            Run Summary:    Type  Total    Ran Passed Failed Inactive
                          suites      3      3    n/a      0        0
                           tests      5      5      4      1        0
                         asserts     12     12     11      1      n/a
            """;

    @Test
    void givenACompleteRun_whenParsed_thenEachTestHasItsOutcomeUnderItsSuiteName() {
        ConformanceReport report = ConformanceReport.parse(COMPLETE_RUN);

        assertThat(report.results())
                .extracting(ConformanceReport.TestResult::name, ConformanceReport.TestResult::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Alpha.Plain", Outcome.PASSED),
                        org.assertj.core.groups.Tuple.tuple("Alpha.Optional", Outcome.SKIPPED),
                        org.assertj.core.groups.Tuple.tuple("Beta.Broken", Outcome.FAILED),
                        org.assertj.core.groups.Tuple.tuple("Beta.Chatty", Outcome.PASSED),
                        org.assertj.core.groups.Tuple.tuple("Gamma.TornDown", Outcome.PASSED));
    }

    @Test
    void givenACompleteRun_whenParsed_thenItIsCompleteAndAgreesWithCUnitTotals() {
        ConformanceReport report = ConformanceReport.parse(COMPLETE_RUN);

        assertThat(report.complete()).isTrue();
        assertThat(report.agreesWithReportedTotals()).isTrue();
        assertThat(report.headline()).isEqualTo("5 tests, 3 passed, 1 skipped, 1 failed");
    }

    @Test
    void givenAFailedTest_whenDescribed_thenTheFailureMessageWithItsSenseIsShown() {
        String description = ConformanceReport.parse(COMPLETE_RUN).describe();

        assertThat(description).contains("FAILED Beta.Broken")
                .contains("ILLEGAL_REQUEST(0x05)/LBA_OUT_OF_RANGE(0x2100)")
                .contains("test_beta_broken.c:38");
    }

    @Test
    void givenSuiteTeardownOutputAfterATestPassed_whenParsed_thenTheTestStillPassed() {
        ConformanceReport report = ConformanceReport.parse(COMPLETE_RUN);

        assertThat(report.withOutcome(Outcome.PASSED)).extracting(ConformanceReport.TestResult::name)
                .contains("Gamma.TornDown");
    }

    @Test
    void givenARunCutShortInsideATest_whenParsed_thenThatTestIsUnfinishedAndTheRunIncomplete() {
        String cutShort = """
                Suite: Alpha
                  Test: Plain ...passed
                  Test: Hangs ...    Send a WRITE16 and wait
                """;

        ConformanceReport report = ConformanceReport.parse(cutShort);

        assertThat(report.withOutcome(Outcome.UNFINISHED)).extracting(ConformanceReport.TestResult::name)
                .containsExactly("Alpha.Hangs");
        assertThat(report.complete()).isFalse();
        assertThat(report.agreesWithReportedTotals()).isFalse();
    }

    @Test
    void givenTotalsThatDisagreeWithTheTests_whenParsed_thenTheDisagreementIsDetected() {
        String inconsistent = COMPLETE_RUN.replace("tests      5      5      4      1", "tests      6      6      5      1");

        assertThat(ConformanceReport.parse(inconsistent).agreesWithReportedTotals()).isFalse();
    }
}
