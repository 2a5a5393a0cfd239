package io.basalt.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What the driver calls itself towards the container orchestrator. */
public record PluginInfo(String name, String version) {

    /** The CSI driver name that StorageClasses and CSIDriver objects refer to. */
    public static final String DRIVER_NAME = "csi.basalt.io";

    /** The driver name with the version the build stamped into the jar. */
    public static PluginInfo current() {
        Properties properties = new Properties();
        try (InputStream in = PluginInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the driver's classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the driver's version", e);
        }
        return new PluginInfo(DRIVER_NAME, properties.getProperty("version"));
    }
}
