package io.basalt.engine.iscsi.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.iscsi.text.OperationalParameters;
import io.basalt.engine.scsi.Nexus;
import io.basalt.engine.scsi.ScsiCommand;
import io.basalt.engine.scsi.ScsiResponse;
import io.basalt.engine.scsi.ScsiTarget;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the SCSI target learns of nexuses as sessions come and go. */
class SessionRegistryTest {

    private static final SessionKey KEY = new SessionKey("iqn.2026-01.test:node-1", 0x23d000001L);

    @Test
    void aSessionThatLogsInAgainWhileItsOldConnectionIsStillBeingEndedKeepsItsNexus() throws Exception {
        SlowToForgetTarget target = new SlowToForgetTarget();
        SessionRegistry registry = new SessionRegistry(target, "iqn.2026-01.io.basalt:vol,t,0x1");
        Session old = admit(registry);

        Thread ending = Thread.ofPlatform().start(() -> registry.remove(old)); // its connection dropped
        await().atMost(Duration.ofSeconds(10)).until(() -> target.forgetting.getCount() == 0);
        Thread relogin = Thread.ofPlatform().start(() -> admit(registry)); // the initiator logged in again
        await().atMost(Duration.ofSeconds(10)).until(() -> relogin.getState() == Thread.State.TERMINATED
                || relogin.getState() == Thread.State.BLOCKED);
        target.forget.countDown();
        ending.join(10_000);
        relogin.join(10_000);

        assertThat(registry.sessions()).singleElement().isNotSameAs(old);
        assertThat(target.live).containsExactly(registry.sessions().getFirst().nexus());
    }

    private static Session admit(SessionRegistry registry) {
        try {
            return registry.admit(KEY, 0, 1, SessionType.NORMAL, new OperationalParameters(), () -> { });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the nexuses it was told of; its first removal waits until the test lets it go on. */
    private static final class SlowToForgetTarget implements ScsiTarget {

        final Set<Nexus> live = ConcurrentHashMap.newKeySet();
        final CountDownLatch forgetting = new CountDownLatch(1);
        final CountDownLatch forget = new CountDownLatch(1);

        @Override
        public CompletableFuture<ScsiResponse> execute(ScsiCommand command) {
            return CompletableFuture.completedFuture(ScsiResponse.good(null, 0));
        }

        @Override
        public void nexusAdded(Nexus nexus) {
            live.add(nexus);
        }

        @Override
        public void nexusRemoved(Nexus nexus) {
            if (forgetting.getCount() > 0) {
                forgetting.countDown();
                try {
                    forget.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            live.remove(nexus);
        }

        @Override
        public boolean resetLogicalUnit(Nexus requester, long lun) {
            return false;
        }

        @Override
        public void resetTarget(Nexus requester) {
        }
    }
}
