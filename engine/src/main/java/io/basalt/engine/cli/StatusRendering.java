package io.basalt.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.Session;
import io.basalt.engine.management.v1.TargetStatusResponse;
import java.io.UncheckedIOException;
import java.util.Locale;

/** How {@code ctl} shows the management API's answers: aligned text for people, JSON for scripts. */
final class StatusRendering {

    static final ObjectMapper JSON = new ObjectMapper();

    private StatusRendering() {
    }

    static String text(TargetStatusResponse status) {
        StringBuilder out = new StringBuilder();
        line(out, "Target", status.getIqn());
        line(out, "Portal", status.getAdvertisedPortal().isEmpty()
                ? "(the address each initiator connects to)" : status.getAdvertisedPortal());
        line(out, "Health", status.getHealth() + " (" + status.getHealthReason() + ")");
        line(out, "Capacity", status.getCapacityBytes() + " bytes (" + binary(status.getCapacityBytes()) + "), "
                + status.getBlockSize() + "-byte blocks");
        if (status.hasFile()) {
            line(out, "Backend", "file " + status.getFile().getPath() + ", "
                    + binary(status.getFile().getAllocatedBytes()) + " allocated");
        } else if (status.hasReplicated()) {
            ReplicatedRendering.appendText(out, status.getReplicated());
        }
        line(out, "Sessions", Integer.toString(status.getSessionsCount()));
        for (Session session : status.getSessionsList()) {
            out.append(String.format(Locale.ROOT, "  %s  isid %s  tsih %d  %s%n", session.getInitiatorName(),
                    session.getIsid(), session.getTsih(), session.getType()));
        }
        return out.toString().stripTrailing();
    }

    static String json(TargetStatusResponse status) {
        ObjectNode root = JSON.createObjectNode()
                .put("iqn", status.getIqn())
                .put("advertisedPortal", status.getAdvertisedPortal())
                .put("capacityBytes", status.getCapacityBytes())
                .put("blockSize", status.getBlockSize())
                .put("health", status.getHealth().name())
                .put("healthReason", status.getHealthReason());
        var sessions = root.putArray("sessions");
        for (Session session : status.getSessionsList()) {
            sessions.addObject()
                    .put("initiatorName", session.getInitiatorName())
                    .put("isid", session.getIsid())
                    .put("tsih", session.getTsih())
                    .put("type", session.getType().name());
        }
        if (status.hasFile()) {
            root.putObject("backend").putObject("file")
                    .put("path", status.getFile().getPath())
                    .put("allocatedBytes", status.getFile().getAllocatedBytes());
        } else if (status.hasReplicated()) {
            root.putObject("backend").set("replicated", ReplicatedRendering.json(status.getReplicated()));
        }
        return write(root);
    }

    static String text(ResizeTargetResponse resize) {
        return resize.getPreviousCapacityBytes() == resize.getCapacityBytes()
                ? "Capacity already " + resize.getCapacityBytes() + " bytes (" + binary(resize.getCapacityBytes()) + ")"
                : "Grown from " + resize.getPreviousCapacityBytes() + " to " + resize.getCapacityBytes() + " bytes ("
                        + binary(resize.getPreviousCapacityBytes()) + " to " + binary(resize.getCapacityBytes()) + ")";
    }

    static String json(ResizeTargetResponse resize) {
        return write(JSON.createObjectNode()
                .put("previousCapacityBytes", resize.getPreviousCapacityBytes())
                .put("capacityBytes", resize.getCapacityBytes()));
    }

    static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-10s %s%n", label + ":", value));
    }

    /** Bytes in the largest binary unit that keeps a number of at least 1, e.g. 1.5 GiB. */
    static String binary(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
