package io.basalt.sandbox.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the runner runs pods.
 *
 * @param nodes the pretend nodes, in the order pods without a preference fill them
 * @param javaBinary the java that runs {@code java} containers
 * @param imageFiles local files standing for files of the container image, by their path in the image
 * @param nodesDirectory where each node's hostPath volumes live ({@link NodeDirectories})
 * @param podsDirectory the working directories of pod processes
 * @param logsDirectory one log per Deployment, appended across restarts
 * @param stopGrace how long a pod has after SIGTERM before SIGKILL
 */
public record RunnerSettings(List<String> nodes, String javaBinary, Map<String, Path> imageFiles,
                             Path nodesDirectory, Path podsDirectory, Path logsDirectory, Duration stopGrace) {
}
