package io.basalt.operator;

import java.time.Duration;

/**
 * How the operator paces itself.
 *
 * @param engineImage the image of pool and target pods
 * @param statusInterval how often pools, replicas and targets are asked for their state
 * @param replicaGracePeriod how long a pool may stay offline before its replicas are replaced elsewhere
 */
public record OperatorSettings(String engineImage, Duration statusInterval, Duration replicaGracePeriod) {
}
