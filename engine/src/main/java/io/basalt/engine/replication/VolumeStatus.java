package io.basalt.engine.replication;

import java.util.List;

/** A replicated volume as its management API reports it. */
public record VolumeStatus(String volume, Health health, String reason, int consistencyFactor, long epoch,
                           long sequence, long sizeBytes, List<Replica> replicas) {

    public enum Health { HEALTHY, DEGRADED, OFFLINE }

    /**
     * One replica: its mode and why, its lag (writes the volume acknowledged that it has not yet;
     * while it is out of the write set, those it missed), its epoch, its rebuild if one runs, the
     * last one that finished (null when none did since the target started), its smoothed response
     * time, and whether reads spare it for being much slower than the others.
     */
    public record Replica(ReplicaEndpoint endpoint, MemberMode mode, String reason, long lag, long epoch,
                          RebuildProgress rebuild, RebuildProgress lastRebuild, double responseMillis,
                          boolean readsSpared) {
    }
}
