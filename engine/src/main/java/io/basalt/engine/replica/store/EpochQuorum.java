package io.basalt.engine.replica.store;

/**
 * The write set an epoch was given to: how many replicas received it and how many of them
 * acknowledged each write of that epoch (the consistency factor). A later start-up trusts the
 * replicas of the newest epoch only when enough of them answer to meet every such quorum.
 * {@link #UNKNOWN} (0, 0) for replicas whose epoch predates this record.
 */
public record EpochQuorum(int setSize, int consistencyFactor) {

    public static final EpochQuorum UNKNOWN = new EpochQuorum(0, 0);

    public EpochQuorum {
        if (setSize < 0 || consistencyFactor < 0) {
            throw new IllegalArgumentException("write set of " + setSize + " with consistency factor "
                    + consistencyFactor);
        }
    }

    public boolean known() {
        return setSize > 0 && consistencyFactor > 0;
    }
}
