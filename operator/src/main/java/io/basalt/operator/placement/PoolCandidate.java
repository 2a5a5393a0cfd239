package io.basalt.operator.placement;

/**
 * A pool as placement sees it.
 *
 * @param name the StoragePool's name
 * @param nodeName the node it lives on
 * @param online whether its server answers
 * @param freeBytes what is left for new replicas
 * @param usedBytes what its replicas occupy
 */
public record PoolCandidate(String name, String nodeName, boolean online, long freeBytes, long usedBytes) {
}
