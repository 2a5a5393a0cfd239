package io.basalt.driver.node;

import io.basalt.driver.exec.Command;
import io.basalt.driver.exec.CommandException;
import io.basalt.driver.exec.CommandResult;
import io.basalt.driver.exec.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The mount table through util-linux's findmnt, mount and umount. */
public final class CommandMounter implements Mounter {

    /** findmnt's exit status when nothing matched. */
    private static final int FINDMNT_NOTHING_FOUND = 1;
    private static final Pattern PAIR = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final CommandRunner runner;

    public CommandMounter(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public Optional<MountPoint> find(Path target) {
        CommandResult result = runner.run(Command.of("findmnt", "--noheadings", "--pairs",
                "--output", "SOURCE,FSTYPE,OPTIONS", "--mountpoint", target.toString()), 0, FINDMNT_NOTHING_FOUND);
        if (result.exitCode() == FINDMNT_NOTHING_FOUND || result.stdout().isBlank()) {
            return Optional.empty();
        }
        // Over-mounts list one line each; the last one is what the path shows now.
        List<String> lines = result.stdout().strip().lines().toList();
        Map<String, String> fields = pairs(lines.getLast());
        return Optional.of(new MountPoint(fields.getOrDefault("SOURCE", ""), fields.getOrDefault("FSTYPE", ""),
                Arrays.asList(fields.getOrDefault("OPTIONS", "").split(","))));
    }

    @Override
    public void mount(Path device, Path target, String fsType, List<String> options) {
        List<String> argv = new ArrayList<>(List.of("-t", fsType));
        if (!options.isEmpty()) {
            argv.addAll(List.of("-o", String.join(",", options)));
        }
        argv.addAll(List.of(device.toString(), target.toString()));
        runner.run(Command.builder("mount").args(argv).build());
    }

    @Override
    public void bindMount(Path source, Path target, boolean readOnly) {
        runner.run(Command.of("mount", "--bind", source.toString(), target.toString()));
        if (readOnly) {
            // A bind mount takes the source's flags; read-only needs a second, remounting step.
            try {
                runner.run(Command.of("mount", "-o", "remount,bind,ro", target.toString()));
            } catch (CommandException e) {
                try {
                    unmount(target);
                } catch (CommandException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
    }

    @Override
    public void unmount(Path target) {
        runner.run(Command.of("umount", target.toString()));
    }

    private static Map<String, String> pairs(String line) {
        Map<String, String> fields = new HashMap<>();
        Matcher matcher = PAIR.matcher(line);
        while (matcher.find()) {
            fields.put(matcher.group(1), unescape(matcher.group(2)));
        }
        return fields;
    }

    /** findmnt escapes unsafe characters as {@code \xNN}. */
    private static String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 3 < value.length() && value.charAt(i + 1) == 'x') {
                out.append((char) Integer.parseInt(value.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
