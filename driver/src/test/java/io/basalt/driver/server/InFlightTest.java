package io.basalt.driver.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class InFlightTest {

    private final InFlight inFlight = new InFlight();

    @Test
    void secondClaimOfABusyVolumeIsAborted() {
        try (var first = inFlight.claim("pvc-1")) {
            assertThatThrownBy(() -> inFlight.claim("pvc-1"))
                    .isInstanceOf(StatusRuntimeException.class)
                    .satisfies(e -> org.assertj.core.api.Assertions
                            .assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.ABORTED))
                    .hasMessageContaining("pvc-1");
        }
    }

    @Test
    void otherVolumesProceedWhileOneIsBusy() {
        try (var first = inFlight.claim("pvc-1")) {
            assertThatCode(() -> inFlight.claim("pvc-2").close()).doesNotThrowAnyException();
        }
    }

    @Test
    void releasedVolumeCanBeClaimedAgain() {
        inFlight.claim("pvc-1").close();

        assertThatCode(() -> inFlight.claim("pvc-1").close()).doesNotThrowAnyException();
    }
}
