package io.basalt.engine.iscsi.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.session.SessionType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SendTargetsTest {

    private static final String TARGET = "iqn.2026-01.io.basalt:vol";
    private static final String INITIATOR = "iqn.2026-01.io.basalt:host";

    private static SendTargets sendTargets(String advertised) {
        return new SendTargets(new TargetConfig(TARGET, advertised, null, null, Set.of(), TargetLimits.defaults(),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 16));
    }

    @Test
    void configuredPortalIsAdvertisedWhateverAddressTheInitiatorUsed() {
        assertThat(sendTargets("192.0.2.1:3260").answer("All", SessionType.DISCOVERY, INITIATOR,
                new InetSocketAddress("127.0.0.1", 40000)))
                .contains(new KeyValue("TargetAddress", "192.0.2.1:3260,1"));
    }

    @Test
    void withoutAConfiguredPortalTheAddressTheInitiatorReachedIsAdvertised() {
        assertThat(sendTargets(null).answer("All", SessionType.DISCOVERY, INITIATOR,
                new InetSocketAddress("127.0.0.2", 3261)))
                .containsExactly(new KeyValue("TargetName", TARGET), new KeyValue("TargetAddress", "127.0.0.2:3261,1"));
    }

    @Test
    void ipv6PortalsAreBracketed() {
        assertThat(sendTargets(null).answer(TARGET, SessionType.NORMAL, INITIATOR,
                new InetSocketAddress("::1", 3260)))
                .contains(new KeyValue("TargetAddress", "[0:0:0:0:0:0:0:1]:3260,1"));
    }

    @Test
    void emptyValueInADiscoverySessionListsNothing() {
        assertThat(sendTargets(null).answer("", SessionType.DISCOVERY, INITIATOR,
                new InetSocketAddress("127.0.0.1", 3260))).isEmpty();
    }
}
