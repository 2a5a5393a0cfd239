/**
 * The replica store: where a pool keeps the data of its replicas.
 *
 * <h2>Layers</h2>
 * A replica is a chain of layers. Each layer is a sparse file laid out like the volume plus an
 * allocation map that tracks every 4 KiB block ({@link io.basalt.engine.replica.store.Blocks} says
 * why 4 KiB) as written, zeroed (a tombstone left by UNMAP, hiding older layers) or absent. The
 * newest layer (the head) is the only writable one; a read takes each block from the newest layer
 * that says something about it. A snapshot freezes the head and starts a new one on top; a clone
 * starts a new head on top of another replica's snapshot layer, sharing everything below.
 *
 * <h2>Deleting snapshots</h2>
 * Deleting a snapshot drops its name; its layer is then merged with the one layer lying on it, in
 * the direction that copies less (see {@link io.basalt.engine.replica.store.LayerMerger}). A layer
 * that a clone also lies on is not merged: copying it into the origin would change nothing for the
 * clone and double the space, so it stays, unnamed, until the clones are gone. Space of such a
 * layer counts for the pool, not for the clone, which owns only what it wrote.
 *
 * <h2>Durability and crash safety</h2>
 * Data writes go to the page cache, except a rebuild's copy, which goes around it where the
 * filesystem allows, or else has its writeback started at once ({@code writeUncached});
 * {@code flush()} copies the allocation map, fsyncs the data,
 * then persists the copy, so a persisted map never names a block whose data was not synced first.
 * Unflushed writes may be lost after a crash, block by block, but never show garbage. Metadata
 * (manifests, layer metadata, maps) is replaced atomically (temporary file, fsync, rename, fsync of
 * the directory); a file is committed only after everything it refers to is durable, and opening a
 * pool removes what nothing refers to and finishes interrupted merges. When a metadata write fails
 * its outcome is unknown, so the replicas concerned refuse further I/O until the pool is reopened.
 *
 * <h2>Known costs</h2>
 * Every flush after a change rewrites the head's whole allocation map (small when Roaring can
 * compress it: kilobytes for sequentially written volumes, up to 32 MiB per TiB for fully random
 * sparse patterns); a journal of map changes would make that proportional to the changes. A merge
 * copies in 1 MiB batches and lets I/O in between, except when it copies a writable layer into
 * the one under it (chosen only when that is the smaller side and at most 16 MiB), which pauses
 * I/O on the pool for that copy.
 */
package io.basalt.engine.replica.store;
