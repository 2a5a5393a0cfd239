package io.basalt.sandbox.runner;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.sandbox.process.ManagedProcess;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet, scheduler and service controller of the sandbox, for one namespace: it gives each
 * Service a loopback cluster IP, runs the one pod of each Deployment as a local process on that
 * address, restarts it with a back-off when it exits, recreates it when its template changes, stops
 * it when the Deployment goes, and reports all of it as Pod objects and Deployment status.
 */
public final class PodRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodRunner.class);
    private static final Duration TICK = Duration.ofMillis(250);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final KubernetesClient client;
    private final String namespace;
    private final RunnerSettings settings;
    private final LaunchPlanner planner;
    private final NodePicker scheduler;
    private final ClusterIpAllocator clusterIps = new ClusterIpAllocator();
    private final Clock clock = Clock.systemUTC();
    private final Map<String, String> clusterIpByServiceUid = new HashMap<>();
    private final Map<String, PodState> pods = new ConcurrentHashMap<>();
    private final Set<String> downNodes = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pod-runner").daemon().factory());
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<Service> services;

    public PodRunner(KubernetesClient client, String namespace, RunnerSettings settings) {
        this.client = client;
        this.namespace = namespace;
        this.settings = settings;
        this.planner = new LaunchPlanner(client, namespace, settings.javaBinary(), settings.imageFiles(),
                new NodeDirectories(settings.nodesDirectory()));
        this.scheduler = new NodePicker(settings.nodes());
    }

    /** Registers the nodes and starts watching Deployments and Services. */
    public void start() {
        settings.nodes().forEach(node -> writeNode(node, true));
        ResourceEventHandler<Object> wake = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                wake();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                wake();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                wake();
            }
        };
        services = client.services().inNamespace(namespace).inform(wakeOn(wake));
        deployments = client.apps().deployments().inNamespace(namespace).inform(wakeOn(wake));
        loop.scheduleWithFixedDelay(this::reconcileSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The process running the pod of {@code deployment}, if one runs now. */
    public Optional<ManagedProcess> process(String deployment) {
        return Optional.ofNullable(pods.get(deployment)).map(p -> p.process).filter(ManagedProcess::isAlive);
    }

    /**
     * Takes {@code node} down as a failed machine goes down: every pod process on it is killed with
     * SIGKILL and none starts there again until {@link #bringUp(String)}.
     */
    public void takeDown(String node) {
        runOnLoop(() -> {
            downNodes.add(node);
            pods.values().stream().filter(p -> node.equals(p.node) && p.process != null).forEach(p -> {
                p.process.kill();
                LOG.warn("pod killed with its node {} {}", kv("pod", p.podName), kv("node", node));
            });
            writeNode(node, false);
        });
    }

    public void bringUp(String node) {
        runOnLoop(() -> {
            downNodes.remove(node);
            writeNode(node, true);
        });
    }

    @Override
    public void close() {
        if (deployments != null) {
            deployments.close();
            services.close();
        }
        loop.shutdown();
        try {
            if (!loop.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("pod runner loop did not finish within 30s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopAll();
    }

    private void stopAll() {
        List<ManagedProcess> running = pods.values().stream().map(p -> p.process)
                .filter(p -> p != null && p.isAlive()).toList();
        running.parallelStream().forEach(p -> p.stop(settings.stopGrace()));
        pods.clear();
    }

    private <T> ResourceEventHandler<T> wakeOn(ResourceEventHandler<Object> wake) {
        @SuppressWarnings("unchecked")
        ResourceEventHandler<T> typed = (ResourceEventHandler<T>) (ResourceEventHandler<?>) wake;
        return typed;
    }

    private void wake() {
        if (wakeQueued.compareAndSet(false, true) && !loop.isShutdown()) {
            loop.execute(() -> {
                wakeQueued.set(false);
                reconcileSafely();
            });
        }
    }

    private void runOnLoop(Runnable action) {
        try {
            loop.submit(action).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("pod runner failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("pod runner pass failed; retrying {}", kv("reason", String.valueOf(e.getMessage())), e);
        }
    }

    private void reconcile() {
        List<Service> allServices = services.getStore().list();
        allServices.forEach(this::assignClusterIp);
        Set<String> liveUids = allServices.stream().map(s -> s.getMetadata().getUid()).collect(Collectors.toSet());
        clusterIpByServiceUid.entrySet().removeIf(entry -> {
            boolean gone = !liveUids.contains(entry.getKey());
            if (gone) {
                clusterIps.release(entry.getValue());
            }
            return gone;
        });
        Map<String, Deployment> byName = deployments.getStore().list().stream()
                .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d));
        for (PodState pod : List.copyOf(pods.values())) {
            if (!byName.containsKey(pod.deployment)) {
                LOG.info("deployment deleted; stopping its pod {}", kv("pod", pod.podName));
                removePod(pod);
            }
        }
        byName.values().forEach(d -> reconcile(d, allServices));
    }

    private void assignClusterIp(Service service) {
        String current = service.getSpec().getClusterIP();
        if (current != null && !current.isEmpty()) {
            return;
        }
        String ip = clusterIpByServiceUid.computeIfAbsent(service.getMetadata().getUid(), uid -> clusterIps.allocate());
        client.services().inNamespace(namespace).withName(service.getMetadata().getName()).edit(s -> {
            s.getSpec().setClusterIP(ip);
            s.getSpec().setClusterIPs(List.of(ip));
            return s;
        });
        LOG.info("cluster IP assigned {} {}", kv("service", service.getMetadata().getName()), kv("clusterIP", ip));
    }

    private void reconcile(Deployment deployment, List<Service> allServices) {
        String name = deployment.getMetadata().getName();
        PodState pod = pods.get(name);
        String hash = templateHash(deployment);
        if (pod != null && !pod.templateHash.equals(hash)) {
            LOG.info("pod template changed; recreating {}", kv("pod", pod.podName));
            removePod(pod);
            pod = null;
        }
        if (PodViews.desiredReplicas(deployment) == 0) {
            if (pod != null) {
                removePod(pod);
            }
            writeDeploymentStatus(deployment, null);
            return;
        }
        if (pod == null) {
            pod = new PodState(name, podName(name, hash), hash, clock.instant());
            pods.put(name, pod);
        }
        String ip = podIp(deployment, allServices);
        if (pod.running() && ip != null && !ip.equals(pod.ip)) {
            LOG.info("pod address changed; restarting {}", kv("pod", pod.podName));
            pod.process.stop(settings.stopGrace());
        }
        pod.ip = ip;
        runProcess(deployment, pod);
        probe(deployment, pod);
        writePod(deployment, pod);
        writeDeploymentStatus(deployment, pod);
    }

    private void runProcess(Deployment deployment, PodState pod) {
        Instant now = clock.instant();
        if (pod.process != null && !pod.process.isAlive()) {
            pod.lastExitCode = pod.process.exitCode();
            pod.lastExitAt = now;
            pod.restarts++;
            pod.notBefore = pod.backoff.restartAfterExit(pod.startedAt, now);
            pod.process = null;
            pod.ready = false;
            LOG.warn("pod process exited; restarting after back-off {} {} {}", kv("pod", pod.podName),
                    kv("exitCode", pod.lastExitCode), kv("restartAt", pod.notBefore.toString()));
        }
        if (pod.process != null) {
            return;
        }
        if (pod.node == null || downNodes.contains(pod.node)) {
            if (pod.node != null && pod.startedAt != null) {
                pod.waiting("NodeLost", "node " + pod.node + " is down");
                return;
            }
            switch (scheduler.pick(deployment.getSpec().getTemplate().getSpec(), n -> !downNodes.contains(n))) {
                case NodePicker.Choice.Node chosen -> pod.node = chosen.name();
                case NodePicker.Choice.Unschedulable none -> {
                    pod.waiting("Unschedulable", none.message());
                    return;
                }
            }
        }
        if (pod.ip == null) {
            pod.waiting("ContainerCreating", "waiting for a Service selecting the pod to have a cluster IP");
            return;
        }
        if (pod.notBefore != null && now.isBefore(pod.notBefore)) {
            pod.waiting("CrashLoopBackOff", "back-off restarting the container (exit code " + pod.lastExitCode
                    + "); log: " + logFile(pod));
            return;
        }
        try {
            ContainerLaunch launch = planner.plan(deployment.getSpec().getTemplate().getSpec(), pod.podName,
                    pod.node, pod.ip);
            Path log = logFile(pod);
            Files.createDirectories(log.getParent());
            Files.writeString(log, "--- " + now + " pod " + pod.podName + " on " + pod.node + " (" + pod.ip
                    + "): " + String.join(" ", launch.command()) + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            pod.process = ManagedProcess.start(pod.podName, launch.command(), launch.environment(),
                    settings.podsDirectory().resolve(pod.podName), log);
            pod.startedAt = now;
            pod.probeFailures = 0;
            pod.nextProbe = now;
            pod.waiting(null, null);
            LOG.info("pod started {} {} {} {}", kv("pod", pod.podName), kv("node", pod.node), kv("ip", pod.ip),
                    kv("pid", pod.process.pid()));
        } catch (LaunchException e) {
            pod.waiting(e.reason(), e.getMessage());
        } catch (IOException e) {
            pod.waiting("RunContainerError", e.getMessage());
        }
    }

    /** The container's tcpSocket readiness probe; without one, a running container is ready. */
    private void probe(Deployment deployment, PodState pod) {
        if (!pod.running()) {
            pod.ready = false;
            return;
        }
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        Probe probe = container.getReadinessProbe();
        if (probe == null || probe.getTcpSocket() == null) {
            pod.ready = true;
            return;
        }
        Instant now = clock.instant();
        if (pod.ready && now.isBefore(pod.nextProbe)) {
            return;
        }
        boolean answered = connects(pod.ip, port(container, probe.getTcpSocket().getPort()));
        int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
        int threshold = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
        pod.nextProbe = now.plusSeconds(period);
        if (answered) {
            pod.probeFailures = 0;
            pod.ready = true;
        } else if (pod.ready && ++pod.probeFailures >= threshold) {
            pod.ready = false;
        }
    }

    private static int port(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("probe names port " + port.getStrVal()
                        + ", which container " + container.getName() + " does not declare"))
                .getContainerPort();
    }

    private static boolean connects(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /*
     * Status goes in through editStatus (a JSON patch of the difference): the mock API server applies a
     * JSON merge patch to nested lists such as containerStatuses only in part.
     */
    private void writePod(Deployment deployment, PodState pod) {
        PodStatus status = PodViews.status(deployment, pod);
        if (status.equals(pod.writtenStatus)) {
            return;
        }
        if (pod.writtenStatus == null) {
            client.pods().inNamespace(namespace).resource(PodViews.pod(deployment, pod))
                    .createOr(NonDeletingOperation::update);
        }
        client.pods().inNamespace(namespace).withName(pod.podName).editStatus(current -> {
            current.setStatus(status);
            return current;
        });
        pod.writtenStatus = status;
    }

    private void writeDeploymentStatus(Deployment deployment, PodState pod) {
        DeploymentStatus status = PodViews.deploymentStatus(deployment, pod);
        if (PodViews.sameCounts(deployment.getStatus(), status)) {
            return;
        }
        client.apps().deployments().inNamespace(namespace).withName(deployment.getMetadata().getName())
                .editStatus(current -> {
                    current.setStatus(status);
                    return current;
                });
    }

    private void removePod(PodState pod) {
        if (pod.process != null) {
            pod.process.stop(settings.stopGrace());
        }
        client.pods().inNamespace(namespace).withName(pod.podName).delete();
        pods.remove(pod.deployment);
    }

    private void writeNode(String node, boolean ready) {
        client.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(node).addToLabels(NodePicker.HOSTNAME, node).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                    .withReason(ready ? "KubeletReady" : "NodeStatusUnknown").endCondition().endStatus()
                .build()).createOr(NonDeletingOperation::update);
    }

    private String podIp(Deployment deployment, List<Service> allServices) {
        Map<String, String> labels = Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata())
                .map(m -> m.getLabels()).orElse(Map.of());
        return allServices.stream()
                .filter(s -> s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty())
                .filter(s -> labels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                .map(s -> s.getSpec().getClusterIP())
                .filter(ip -> ip != null && !ip.isEmpty())
                .findFirst().orElse(null);
    }

    private Path logFile(PodState pod) {
        return settings.logsDirectory().resolve(pod.deployment + ".log");
    }

    private static String podName(String deployment, String hash) {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(NAME_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(NAME_ALPHABET.length())));
        }
        return deployment + "-" + hash + "-" + suffix;
    }

    private static String templateHash(Deployment deployment) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    Serialization.asJson(deployment.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
