package io.basalt.driver.node;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The command-line options of the node service, mixed into the driver's command. */
public final class NodeOptions {

    @Option(names = "--max-volumes-per-node", defaultValue = "" + NodeSettings.DEFAULT_MAX_VOLUMES_PER_NODE,
            description = "How many Basalt volumes the scheduler may place on this node (default: ${DEFAULT-VALUE}).")
    int maxVolumesPerNode;

    @Option(names = "--bind-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long NodeStageVolume waits for the VolumeClaim to be Bound, e.g. 60s, 2m"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration bindTimeout;

    @Option(names = "--device-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for a disk to appear after login or to grow after a rescan"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration deviceTimeout;

    public NodeSettings settings(String nodeId) {
        return new NodeSettings(nodeId, maxVolumesPerNode, bindTimeout, deviceTimeout,
                NodeSettings.DEFAULT_POLL_INTERVAL, NodeSettings.DEFAULT_BY_PATH_DIRECTORY);
    }

    /** Durations as people write them: 500ms, 30s, 2m. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(Locale.ROOT);
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration like 500ms, 30s or 2m");
            };
        }
    }
}
