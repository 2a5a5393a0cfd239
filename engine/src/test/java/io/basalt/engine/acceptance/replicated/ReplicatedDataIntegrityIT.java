package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.acceptance.targets.ChapCredentials;
import io.basalt.engine.management.v1.Health;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Acceptance 1 of the replicated target: three pool servers and the replicated target on loopback,
 * logged in with CHAP through qemu's initiator; patterns written over the whole volume at request
 * sizes from one sector to 1 MiB read back exactly, and the three replicas end up identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicatedDataIntegrityIT {

    private static final String VOLUME = "data";
    private static final long SIZE = 64L << 20;
    private static final int[] REQUEST_SIZES = {512, 4096, 65536, 1 << 20};
    private static final ChapCredentials CHAP = new ChapCredentials("basalt-it", "replicated-chap-secret");

    /** Started once for the class: both tests use its pools and the one target. */
    @RegisterExtension
    static final ReplicatedClusterExtension FIXTURE = ReplicatedClusterExtension.threePools(Duration.ofMinutes(5));

    private ReplicatedVolume volume;

    @BeforeAll
    void startTheTarget() {
        volume = FIXTURE.cluster().healthyVolume(VOLUME, SIZE, List.of(0, 1, 2),
                List.of("--chap-user", CHAP.user(), "--chap-secret", CHAP.secret()));
    }

    @Test
    void patternsWrittenOverTheWholeVolumeAtEachRequestSizeReadBackAndEveryReplicaHoldsThem() {
        for (int i = 0; i < REQUEST_SIZES.length; i++) {
            int pattern = 0x21 * (i + 1);
            FIXTURE.qemu().fill(url(CHAP.secret()), pattern, SIZE, REQUEST_SIZES[i], 16);

            FIXTURE.qemu().io(url(CHAP.secret()), List.of(String.format("read -P 0x%02x 0 %d", pattern, SIZE)));
        }

        assertThat(volume.status().getHealth()).isEqualTo(Health.HEALTHY);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(IntStream.range(0, 3)
                .mapToObj(pool -> FIXTURE.cluster().checksum(VOLUME, pool)).distinct()).hasSize(1));
    }

    @Test
    void aLoginWithTheWrongChapSecretIsRefused() {
        assertThatThrownBy(() -> FIXTURE.qemu().io(url("not-the-secret-at-all"), List.of("read 0 4k")))
                .hasMessageContaining("Authentication failure");
    }

    private String url(String secret) {
        return "iscsi://" + URLEncoder.encode(CHAP.user(), StandardCharsets.UTF_8) + "%"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "@127.0.0.1:" + volume.iscsiPort() + "/"
                + volume.iqn() + "/0";
    }
}
