package io.basalt.operator.engine;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * Where engine processes are reached: always their Service's cluster IP, which stays the same when
 * the pod behind it moves. A Service without one yet means the address is not known yet: the caller
 * waits rather than guessing.
 */
public final class ServiceAddresses {

    private ServiceAddresses() {
    }

    /** The cluster IP of Service {@code name}, if it exists and has one. */
    public static Optional<String> clusterIp(KubernetesClient client, String namespace, String name) {
        Service service = client.services().inNamespace(namespace).withName(name).get();
        return service == null ? Optional.empty() : clusterIp(service);
    }

    public static Optional<String> clusterIp(Service service) {
        String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
        return ip == null || ip.isEmpty() || "None".equals(ip) ? Optional.empty() : Optional.of(ip);
    }

    public static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
