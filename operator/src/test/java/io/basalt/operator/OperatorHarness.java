package io.basalt.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.PoolEntry;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.basalt.api.v1alpha1.StoragePoolClusterSpec;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeSource;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.operator.engine.EngineClients;
import io.basalt.operator.engine.FakeEngines;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The whole operator, as OperatorMain wires it, against the mock cluster, with fake engines run for
 * the pool and target Deployments it creates. Statuses are polled every 200 ms and a pool may be
 * offline for 2 s (unless a test says otherwise) before its replicas are replaced, so that tests take
 * seconds.
 */
public final class OperatorHarness implements AutoCloseable {

    public static final String NS = BasaltResources.NAMESPACE;
    public static final long GIB = 1L << 30;
    public static final Duration GRACE_PERIOD = Duration.ofSeconds(2);

    private final MockCluster cluster = new MockCluster();
    private final KubernetesClient client = cluster.client();
    private final FakeEngines engines = new FakeEngines(client);
    private final EngineClients clients = FakeEngines.clients();
    private final Duration gracePeriod;

    public OperatorHarness() {
        this(GRACE_PERIOD);
    }

    public OperatorHarness(Duration gracePeriod) {
        this.gracePeriod = gracePeriod;
        startOperator();
    }

    public void startOperator() {
        cluster.startOperator(Reconcilers.all(
                new OperatorSettings("basalt/engine:test", Duration.ofMillis(200), gracePeriod), clients));
    }

    public void stopOperator() {
        cluster.stopOperator();
    }

    public KubernetesClient client() {
        return client;
    }

    public FakeEngines engines() {
        return engines;
    }

    /** A StoragePoolCluster "fast" with pools p1..pN on nodes node-1..node-N. */
    public void givenPools(int count) {
        StoragePoolCluster spc = new StoragePoolCluster();
        spc.setMetadata(new ObjectMetaBuilder().withName("fast").withNamespace(NS).build());
        spc.setSpec(new StoragePoolClusterSpec(IntStream.rangeClosed(1, count)
                .mapToObj(i -> new PoolEntry("p" + i, "node-" + i, "/var/lib/basalt/p" + i, null)).toList(), null, null));
        ClusterWrites.apply(client, spc);
    }

    public void createClaim(String name, String node) {
        createClaim(name, node, null);
    }

    public void createClaim(String name, String node, String fromSnapshot) {
        VolumeClaim claim = new VolumeClaim();
        claim.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        claim.setSpec(new VolumeClaimSpec(GIB, "fast", 3, null, null,
                fromSnapshot == null ? null : new VolumeSource(fromSnapshot, null), node));
        client.resource(claim).create();
    }

    public VolumeClaim claim(String name) {
        return client.resources(VolumeClaim.class).inNamespace(NS).withName(name).get();
    }

    public VolumeTarget target(String name) {
        return client.resources(VolumeTarget.class).inNamespace(NS).withName(name).get();
    }

    public StoragePool pool(String name) {
        return client.resources(StoragePool.class).inNamespace(NS).withName(name).get();
    }

    public VolumeReplica replica(String name) {
        return client.resources(VolumeReplica.class).inNamespace(NS).withName(name).get();
    }

    public List<VolumeReplica> replicasOf(String volume) {
        return client.resources(VolumeReplica.class).inNamespace(NS).withLabel("basalt.io/volume", volume).list()
                .getItems();
    }

    public Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    public <T extends HasMetadata> List<T> all(Class<T> kind) {
        return client.resources(kind).inNamespace(NS).list().getItems();
    }

    /** The replica names every fake pool holds. */
    public List<String> replicasOnPools() {
        List<String> names = new ArrayList<>();
        for (StoragePool pool : all(StoragePool.class)) {
            names.addAll(engines.pool(pool.getMetadata().getName()).replicaNames());
        }
        return names;
    }

    public List<String> eventReasons() {
        return client.v1().events().inNamespace(NS).list().getItems().stream().map(Event::getReason).toList();
    }

    /** The condition {@code type} of {@code resource}'s status, which must exist. */
    public static Condition condition(List<Condition> conditions, String type) {
        assertThat(conditions).isNotNull();
        return conditions.stream().filter(c -> c.getType().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type + " in " + conditions));
    }

    @Override
    public void close() {
        cluster.stopOperator();
        engines.close();
        clients.close();
        cluster.close();
    }
}
