/**
 * The replication controller behind a replicated target: a {@link io.basalt.engine.block.BlockDevice}
 * whose data lives on several replicas on pool servers.
 *
 * <p>Every write and unmap gets a sequence number, goes to every replica of the write set (healthy
 * and rebuilding ones) and is acknowledged once CF healthy replicas hold it; overlapping requests
 * reach every replica in the order they were issued. A replica that fails or lags leaves the write
 * set; every change of the set advances the epoch, persisted on the replicas that remain before more
 * writes are acknowledged. Replicas that come back rebuild online: they take new writes at once while
 * the rest is copied from a healthy replica under a range lock, so a copy never overwrites a newer
 * write; the copy goes from pool to pool, the target only saying what to copy. At start-up only replicas of the newest epoch are trusted, and the regions some of them wrote
 * since their last consistent mark are copied from whichever wrote them last; replicas that cannot
 * list those regions are compared by content, and each sector takes what a quorum of them holds.
 */
package io.basalt.engine.replication;
