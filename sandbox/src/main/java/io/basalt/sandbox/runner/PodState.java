package io.basalt.sandbox.runner;

import io.basalt.sandbox.process.ManagedProcess;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;

/** What the runner knows about the one pod of a Deployment: where it runs and how its process fares. */
final class PodState {

    final String deployment;
    final String podName;
    final String templateHash;
    final Instant created;
    final RestartBackoff backoff = new RestartBackoff();
    String node;
    String ip;
    ManagedProcess process;
    Instant startedAt;
    Instant notBefore;
    int restarts;
    Integer lastExitCode;
    Instant lastExitAt;
    boolean ready;
    int probeFailures;
    Instant nextProbe;
    /** Why the container is not running, when it is not: a kubelet's waiting reason and message. */
    String waitingReason;
    String waitingMessage;
    /** The status last written to the Pod object; null before the Pod object exists. */
    PodStatus writtenStatus;

    PodState(String deployment, String podName, String templateHash, Instant created) {
        this.deployment = deployment;
        this.podName = podName;
        this.templateHash = templateHash;
        this.created = created;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    void waiting(String reason, String message) {
        waitingReason = reason;
        waitingMessage = message;
    }
}
