package io.basalt.operator.engine;

import io.basalt.api.v1alpha1.BasaltResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a fake engine for each pool and target Deployment the operator creates in the mock cluster, as
 * a kubelet would run its pod: served in process under its Service's cluster IP and port, with the
 * target's replicas and secret taken from the pod's arguments and environment, and its Deployment's
 * status saying whether its pod is ready. A target whose pod template changes is restarted with the new
 * arguments; a pool can be stopped and started again, keeping its replicas as its directory would.
 */
public final class FakeEngines implements AutoCloseable {

    private static final String NS = BasaltResources.NAMESPACE;
    private static final String COMPONENT = "app.kubernetes.io/component";
    private static final long POOL_CAPACITY = 100L << 30;

    private final KubernetesClient client;
    private final Map<String, FakePool> pools = new HashMap<>();
    private final Map<String, String> hosts = new HashMap<>();
    private final Map<String, Server> servers = new HashMap<>();
    private final Map<String, FakeTarget> targets = new HashMap<>();
    private final Map<String, List<String>> targetArgs = new HashMap<>();
    private final Map<String, Integer> targetStarts = new HashMap<>();
    private final Set<String> stopped = new HashSet<>();
    private final ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "fake-kubelet");
        thread.setDaemon(true);
        return thread;
    });

    public FakeEngines(KubernetesClient client) {
        this.client = client;
        kubelet.scheduleWithFixedDelay(this::converge, 50, 100, TimeUnit.MILLISECONDS);
    }

    /** Clients that reach these engines in process, through the same code as the network clients. */
    public static EngineClients clients() {
        return new GrpcEngineClients(address -> InProcessChannelBuilder.forName(address).directExecutor().build(),
                Duration.ofSeconds(2));
    }

    /** The fake pool of StoragePool {@code pool}, running or not. */
    public synchronized FakePool pool(String pool) {
        return pools.get("pool-" + pool);
    }

    /** The fake target of volume {@code volume}, if it runs. */
    public synchronized FakeTarget target(String volume) {
        return targets.get("target-" + volume);
    }

    /** How many times the target process of volume {@code volume} started. */
    public synchronized int targetStarts(String volume) {
        return targetStarts.getOrDefault("target-" + volume, 0);
    }

    /**
     * Restarts the target of volume {@code volume} in place, as its process would restart in the same pod:
     * with the replicas its pod's arguments name, whatever the members were.
     */
    public synchronized void restartTarget(String volume) {
        String name = "target-" + volume;
        targets.get(name).restartWith(replicasIn(targetArgs.get(name)));
        targetStarts.merge(name, 1, Integer::sum);
    }

    /** Stops the pool server of StoragePool {@code pool}, as if its process was killed; it stays down. */
    public synchronized void stopPool(String pool) {
        stopped.add("pool-" + pool);
        stop("pool-" + pool);
    }

    /** Lets the pool server of StoragePool {@code pool} run again, with the replicas it had. */
    public synchronized void startPool(String pool) {
        stopped.remove("pool-" + pool);
    }

    private synchronized void converge() {
        try {
            Map<String, String> ips = new HashMap<>();
            for (Service service : client.services().inNamespace(NS).list().getItems()) {
                if (service.getSpec().getClusterIP() != null && !service.getSpec().getClusterIP().isEmpty()) {
                    ips.put(service.getMetadata().getName(), service.getSpec().getClusterIP());
                }
            }
            Set<String> present = new HashSet<>();
            for (Deployment deployment : client.apps().deployments().inNamespace(NS).list().getItems()) {
                String name = deployment.getMetadata().getName();
                present.add(name);
                String ip = ips.get(name);
                if (ip == null || stopped.contains(name)) {
                    continue;
                }
                String component = deployment.getSpec().getTemplate().getMetadata().getLabels().get(COMPONENT);
                if ("pool-server".equals(component) && !servers.containsKey(name)) {
                    FakePool pool = pools.computeIfAbsent(name, n -> new FakePool(POOL_CAPACITY));
                    serve(name, ip + ":9501", pool);
                    hosts.put(name, ip);
                } else if ("target".equals(component)) {
                    runTarget(name, ip, deployment.getSpec().getTemplate().getSpec().getContainers().getFirst());
                }
                reportReadiness(deployment, servers.containsKey(name));
            }
            for (String name : List.copyOf(servers.keySet())) {
                if (!present.contains(name)) {
                    stop(name);
                    targets.remove(name);
                }
            }
        } catch (RuntimeException e) {
            // The mock server closing at the end of a test, or an object deleted while listed: next round.
        }
    }

    private void runTarget(String name, String ip, Container container) {
        List<String> args = container.getArgs();
        if (servers.containsKey(name) && args.equals(targetArgs.get(name))) {
            return;
        }
        byte[] secret = replicaSecret(container);
        if (secret == null) {
            return;
        }
        stop(name);
        FakeTarget target = new FakeTarget(args.get(args.indexOf("--volume") + 1),
                Integer.parseInt(args.get(args.indexOf("--consistency-factor") + 1)), replicasIn(args), secret,
                this::poolAt);
        targets.put(name, target);
        targetArgs.put(name, args);
        targetStarts.merge(name, 1, Integer::sum);
        serve(name, ip + ":9502", target);
    }

    private static List<String> replicasIn(List<String> args) {
        List<String> replicas = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--replica")) {
                replicas.add(args.get(i + 1));
            }
        }
        return replicas;
    }

    /** Ready replicas 1 while the pod's engine serves, 0 otherwise, as the Deployment controller reports. */
    private void reportReadiness(Deployment deployment, boolean serving) {
        int ready = serving ? 1 : 0;
        Integer reported = deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
        if (reported != null && reported == ready) {
            return;
        }
        client.apps().deployments().inNamespace(NS).withName(deployment.getMetadata().getName()).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(ready)
                    .withAvailableReplicas(ready).build());
            return d;
        });
    }

    private byte[] replicaSecret(Container container) {
        EnvVar env = container.getEnv().stream().filter(e -> e.getName().equals("BASALT_REPLICA_SECRET")).findFirst()
                .orElseThrow();
        Secret secret = client.secrets().inNamespace(NS).withName(env.getValueFrom().getSecretKeyRef().getName()).get();
        if (secret == null) {
            return null;
        }
        String value = secret.getData().get(env.getValueFrom().getSecretKeyRef().getKey());
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
    }

    /** The running pool whose replica protocol is at {@code address}. */
    private synchronized FakePool poolAt(String address) {
        String host = address.substring(0, address.lastIndexOf(':'));
        return hosts.entrySet().stream()
                .filter(e -> e.getValue().equals(host) && servers.containsKey(e.getKey()))
                .map(e -> pools.get(e.getKey()))
                .findFirst().orElse(null);
    }

    private void serve(String name, String address, BindableService service) {
        try {
            servers.put(name, InProcessServerBuilder.forName(address).directExecutor().addService(service).build().start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stop(String name) {
        Server server = servers.remove(name);
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Override
    public synchronized void close() {
        kubelet.shutdownNow();
        List.copyOf(servers.keySet()).forEach(this::stop);
    }
}
