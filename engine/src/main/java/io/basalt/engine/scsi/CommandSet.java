package io.basalt.engine.scsi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every command a logical unit supports, by opcode and service action: the dispatch table and
 * the source of REPORT SUPPORTED OPERATION CODES alike.
 */
public final class CommandSet {

    /** Opcode to descriptors; for opcodes with service actions, one per service action. */
    private final Map<Integer, Map<Integer, CommandDescriptor>> byOpcode = new TreeMap<>();

    public CommandSet add(CommandDescriptor descriptor) {
        Map<Integer, CommandDescriptor> actions = byOpcode.computeIfAbsent(descriptor.opcode(), k -> new TreeMap<>());
        if (!actions.isEmpty() && actions.values().iterator().next().hasServiceAction() != descriptor.hasServiceAction()) {
            throw new IllegalArgumentException("opcode " + descriptor.opcode() + " mixes service actions");
        }
        if (actions.putIfAbsent(descriptor.serviceAction(), descriptor) != null) {
            throw new IllegalArgumentException("duplicate command " + descriptor.name());
        }
        return this;
    }

    public CommandSet addAll(Collection<CommandDescriptor> descriptors) {
        descriptors.forEach(this::add);
        return this;
    }

    /** Whether the opcode is supported at all. */
    public boolean supportsOpcode(int opcode) {
        return byOpcode.containsKey(opcode);
    }

    /** Whether the opcode's commands are told apart by a service action. */
    public boolean usesServiceAction(int opcode) {
        Map<Integer, CommandDescriptor> actions = byOpcode.get(opcode);
        return actions != null && actions.values().iterator().next().hasServiceAction();
    }

    /** The descriptor for an opcode and service action (ignored for opcodes without), or null. */
    public CommandDescriptor find(int opcode, int serviceAction) {
        Map<Integer, CommandDescriptor> actions = byOpcode.get(opcode);
        if (actions == null) {
            return null;
        }
        return actions.get(usesServiceAction(opcode) ? serviceAction : -1);
    }

    /** The descriptor a CDB selects, or null. */
    public CommandDescriptor find(byte[] cdb) {
        int opcode = cdb[0] & 0xff;
        return find(opcode, usesServiceAction(opcode) && cdb.length > 1 ? cdb[1] & 0x1f : -1);
    }

    /** All descriptors by opcode, then service action. */
    public List<CommandDescriptor> all() {
        List<CommandDescriptor> all = new ArrayList<>();
        byOpcode.values().forEach(actions -> all.addAll(actions.values()));
        all.sort(Comparator.comparingInt(CommandDescriptor::opcode).thenComparingInt(CommandDescriptor::serviceAction));
        return all;
    }
}
