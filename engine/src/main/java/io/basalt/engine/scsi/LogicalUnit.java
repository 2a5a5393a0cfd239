package io.basalt.engine.scsi;

import io.basalt.engine.block.BlockDevice;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One logical unit: the block device behind it and the SCSI state kept around it (unit
 * attentions, mode parameters, reservations, the block-range ordering of atomic commands).
 */
public final class LogicalUnit {

    private final LogicalUnitConfig config;
    private final BlockDevice device;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    private final ModePages modePages = new ModePages();
    private final Reservations reservations = new Reservations(unitAttentions);
    private final RangeLocks rangeLocks = new RangeLocks();
    /** The largest size the unit has had: a growth to it again (a retry run alongside) changes nothing to tell. */
    private final AtomicLong largestSize = new AtomicLong();
    private volatile boolean removalPrevented;

    public LogicalUnit(LogicalUnitConfig config, BlockDevice device) {
        this.config = config;
        this.device = device;
    }

    public LogicalUnitConfig config() {
        return config;
    }

    public BlockDevice device() {
        return device;
    }

    public int blockSize() {
        return device.blockSize();
    }

    /** The number of logical blocks now. */
    public long blocks() {
        return device.size() / device.blockSize();
    }

    /**
     * Grows the unit while in use; every nexus then sees CAPACITY DATA HAS CHANGED, once however many
     * requests for the same size ran.
     *
     * @param newSize the new size in bytes, a multiple of the block size, not smaller than now
     */
    public CompletableFuture<Void> grow(long newSize) {
        // the size now, not when the unit was made: a replicated device learns its size once it opens
        largestSize.accumulateAndGet(device.size(), Math::max);
        return device.resize(newSize).thenRun(() -> {
            long size = device.size();
            if (largestSize.getAndAccumulate(size, Math::max) < size) {
                unitAttentions.raiseForOthers(null, Sense.capacityDataChanged());
            }
        });
    }

    UnitAttentions unitAttentions() {
        return unitAttentions;
    }

    ModePages modePages() {
        return modePages;
    }

    Reservations reservations() {
        return reservations;
    }

    RangeLocks rangeLocks() {
        return rangeLocks;
    }

    boolean removalPrevented() {
        return removalPrevented;
    }

    void preventRemoval(boolean prevent) {
        removalPrevented = prevent;
    }

    /** A reset: clears the state SAM-5 says a reset clears and tells every nexus. */
    void reset(Sense condition) {
        reservations.reset();
        modePages.reset();
        removalPrevented = false;
        unitAttentions.resetAll(condition);
    }
}
