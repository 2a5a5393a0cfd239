package io.basalt.engine.acceptance.replicated;

import io.basalt.engine.acceptance.initiator.Qemu;
import io.basalt.engine.acceptance.initiator.RecordingWriter;
import io.basalt.engine.acceptance.process.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every acceptance test of replication stands on: a workspace named after the test class, a
 * {@link ReplicatedVolumeCluster} of pool servers in it, qemu as the initiator, and the recording
 * writers the test started. Registered on an instance field each test gets its own; on a static
 * field the tests of the class share one. Afterwards the writers are stopped first, then every
 * process, then the scratch directory is deleted.
 */
public final class ReplicatedClusterExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final int poolCount;
    private final Duration qemuLimit;
    private final List<RecordingWriter> writers = new ArrayList<>();
    private boolean sharedByTheClass;
    private Workspace workspace;
    private ReplicatedVolumeCluster cluster;
    private Qemu qemu;

    private ReplicatedClusterExtension(int poolCount, Duration qemuLimit) {
        this.poolCount = poolCount;
        this.qemuLimit = qemuLimit;
    }

    /** Three pool servers, and qemu commands that may take up to {@code qemuLimit} each. */
    public static ReplicatedClusterExtension threePools(Duration qemuLimit) {
        return new ReplicatedClusterExtension(3, qemuLimit);
    }

    /** Three pool servers, and qemu commands that may take up to two minutes each. */
    public static ReplicatedClusterExtension threePools() {
        return threePools(Duration.ofMinutes(2));
    }

    public Workspace workspace() {
        return workspace;
    }

    public ReplicatedVolumeCluster cluster() {
        return cluster;
    }

    public Qemu qemu() {
        return qemu;
    }

    /**
     * A {@link RecordingWriter} on {@code url} with its batch outputs in the scratch directory, not
     * started; it is aborted after the test if still writing.
     */
    public RecordingWriter writer(String url, long from, int regionSize, int regions, int batchSize) {
        RecordingWriter writer = new RecordingWriter(workspace.scratch(), url, from, regionSize, regions, batchSize);
        writers.add(writer);
        return writer;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        sharedByTheClass = true;
        start(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!sharedByTheClass) {
            start(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!sharedByTheClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sharedByTheClass) {
            stop();
        }
    }

    private void start(ExtensionContext context) {
        workspace = Workspace.forTest(context.getRequiredTestClass().getSimpleName());
        cluster = ReplicatedVolumeCluster.withPools(workspace, poolCount);
        qemu = new Qemu(workspace.scratch(), qemuLimit);
    }

    private void stop() {
        try {
            writers.forEach(RecordingWriter::close);
            writers.clear();
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                if (workspace != null) {
                    workspace.close();
                }
            }
        }
    }
}
