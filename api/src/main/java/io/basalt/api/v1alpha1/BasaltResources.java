package io.basalt.api.v1alpha1;

/** Names shared by every Basalt resource. */
public final class BasaltResources {
    public static final String GROUP = "basalt.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** The namespace of the operator, pools, targets and all Basalt custom resources. */
    public static final String NAMESPACE = "basalt-system";

    private BasaltResources() {
    }
}
