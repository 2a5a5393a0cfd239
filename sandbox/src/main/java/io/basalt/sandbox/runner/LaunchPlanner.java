package io.basalt.sandbox.runner;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a pod's container into a local process: the same command, arguments and environment, with
 * the image's files and the pod's hostPath volumes mapped to local paths and wildcard listen addresses
 * narrowed to the pod's own loopback address.
 */
final class LaunchPlanner {

    private static final String WILDCARD = "0.0.0.0:";

    private final KubernetesClient client;
    private final String namespace;
    private final String javaBinary;
    private final Map<String, Path> imageFiles;
    private final NodeDirectories nodes;

    /**
     * @param imageFiles files of the container image by their path in the image, e.g. the engine jar
     */
    LaunchPlanner(KubernetesClient client, String namespace, String javaBinary, Map<String, Path> imageFiles,
                  NodeDirectories nodes) {
        this.client = client;
        this.namespace = namespace;
        this.javaBinary = javaBinary;
        this.imageFiles = imageFiles;
        this.nodes = nodes;
    }

    ContainerLaunch plan(PodSpec pod, String podName, String node, String podIp) throws LaunchException {
        if (pod.getContainers() == null || pod.getContainers().size() != 1) {
            throw new LaunchException("Unsupported", "the sandbox runs pods of exactly one container");
        }
        Container container = pod.getContainers().getFirst();
        if (container.getCommand() == null || container.getCommand().isEmpty()) {
            throw new LaunchException("Unsupported", "container " + container.getName()
                    + " names no command; the sandbox cannot know an image's entry point");
        }
        if (!"java".equals(container.getCommand().getFirst())) {
            throw new LaunchException("Unsupported", "container " + container.getName() + " runs "
                    + container.getCommand().getFirst() + "; the sandbox runs java containers only");
        }
        Map<String, Path> mounts = hostPathMounts(pod, container, node);
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        container.getCommand().stream().skip(1).map(word -> localWord(word, mounts, podIp)).forEach(command::add);
        Optional.ofNullable(container.getArgs()).orElse(List.of()).stream()
                .map(word -> localWord(word, mounts, podIp)).forEach(command::add);
        return new ContainerLaunch(command, environment(container, podName, node, podIp));
    }

    private String localWord(String word, Map<String, Path> mounts, String podIp) {
        Path imageFile = imageFiles.get(word);
        if (imageFile != null) {
            return imageFile.toString();
        }
        String narrowed = word.replace(WILDCARD, podIp + ":");
        int equals = narrowed.indexOf('=');
        if (equals > 0 && narrowed.startsWith("-")) {
            return narrowed.substring(0, equals + 1) + localPath(narrowed.substring(equals + 1), mounts);
        }
        return localPath(narrowed, mounts);
    }

    private static String localPath(String word, Map<String, Path> mounts) {
        for (Map.Entry<String, Path> mount : mounts.entrySet()) {
            String mountPath = mount.getKey();
            if (word.equals(mountPath)) {
                return mount.getValue().toString();
            }
            if (word.startsWith(mountPath + "/")) {
                return mount.getValue().resolve(word.substring(mountPath.length() + 1)).toString();
            }
        }
        return word;
    }

    private Map<String, Path> hostPathMounts(PodSpec pod, Container container, String node) throws LaunchException {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
            Volume volume = Optional.ofNullable(pod.getVolumes()).orElse(List.of()).stream()
                    .filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new LaunchException("CreateContainerConfigError",
                            "volume mount " + mount.getName() + " names no volume of the pod"));
            if (volume.getHostPath() == null) {
                throw new LaunchException("Unsupported", "volume " + volume.getName()
                        + " is not a hostPath; the sandbox maps hostPath volumes only");
            }
            mounts.put(mount.getMountPath(), nodes.hostPath(node, volume.getHostPath().getPath()));
        }
        return mounts;
    }

    private Map<String, String> environment(Container container, String podName, String node, String podIp)
            throws LaunchException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar variable : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            String value = variable.getValueFrom() == null ? variable.getValue()
                    : valueFrom(variable.getName(), variable.getValueFrom(), podName, node, podIp);
            if (value != null) {
                environment.put(variable.getName(), value);
            }
        }
        return environment;
    }

    private String valueFrom(String variable, EnvVarSource source, String podName, String node, String podIp)
            throws LaunchException {
        if (source.getSecretKeyRef() != null) {
            var ref = source.getSecretKeyRef();
            Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
            String value = secret == null ? null : secretValue(secret, ref.getKey());
            return required(variable, value, Boolean.TRUE.equals(ref.getOptional()),
                    "Secret " + ref.getName() + " key " + ref.getKey());
        }
        if (source.getConfigMapKeyRef() != null) {
            var ref = source.getConfigMapKeyRef();
            ConfigMap map = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
            String value = map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
            return required(variable, value, Boolean.TRUE.equals(ref.getOptional()),
                    "ConfigMap " + ref.getName() + " key " + ref.getKey());
        }
        if (source.getFieldRef() != null) {
            return switch (source.getFieldRef().getFieldPath()) {
                case "metadata.name" -> podName;
                case "metadata.namespace" -> namespace;
                case "spec.nodeName" -> node;
                case "status.podIP", "status.hostIP" -> podIp;
                default -> throw new LaunchException("CreateContainerConfigError", "env " + variable
                        + ": field " + source.getFieldRef().getFieldPath() + " is not one the sandbox provides");
            };
        }
        throw new LaunchException("CreateContainerConfigError", "env " + variable
                + ": only secretKeyRef, configMapKeyRef and fieldRef sources are supported");
    }

    private static String required(String variable, String value, boolean optional, String what)
            throws LaunchException {
        if (value == null && !optional) {
            throw new LaunchException("CreateContainerConfigError", "env " + variable + ": " + what
                    + " does not exist");
        }
        return value;
    }

    private static String secretValue(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }
}
