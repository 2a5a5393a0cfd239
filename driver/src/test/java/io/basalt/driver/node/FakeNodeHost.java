package io.basalt.driver.node;

import io.basalt.driver.exec.Command;
import io.basalt.driver.exec.CommandResult;
import io.basalt.driver.exec.ScriptedCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel, open-iscsi and util-linux of one node, as the driver sees them through its
 * commands: targets reachable over the network, node records, sessions, disks that appear under
 * a by-path directory on login, file systems on LUNs and a mount table. Scripted on a
 * {@link ScriptedCommandRunner}, so tests can still inject a failure of any one command.
 */
final class FakeNodeHost {

    static final String BLOCK_SIZE = "4096";

    /** A LUN a target serves: its size and what is written on it. */
    static final class Lun {
        final String portal;
        final String iqn;
        final ChapCredentials chap;
        long sizeBytes;
        String fsType;
        long fsSizeBytes;
        long usedBytes;

        Lun(String portal, String iqn, ChapCredentials chap, long sizeBytes) {
            this.portal = portal;
            this.iqn = iqn;
            this.chap = chap;
            this.sizeBytes = sizeBytes;
        }
    }

    /** One line of the mount table. */
    record Mount(Path target, String source, String fsType, List<String> options, Lun lun) {
        boolean readOnly() {
            return options.contains("ro");
        }
    }

    private static final String NODE = "iscsiadm -m node -T (\\S+) -p (\\S+)";

    private final ScriptedCommandRunner runner;
    private final Path byPath;
    private final Path devices;
    private final Map<String, Lun> network = new HashMap<>();
    private final Map<String, Map<String, String>> nodeRecords = new LinkedHashMap<>();
    private final Map<String, Long> sessions = new LinkedHashMap<>();
    /** The size each session has seen since login or its last rescan. */
    private final Map<Path, Lun> disks = new HashMap<>();
    private final Map<Path, Long> diskSizes = new HashMap<>();
    private final List<Mount> mounts = new ArrayList<>();
    private long nextSessionId = 1;
    private char nextDisk = 'b';

    FakeNodeHost(ScriptedCommandRunner runner, Path root) {
        this.runner = runner;
        this.byPath = root.resolve("dev/disk/by-path");
        this.devices = root.resolve("dev");
        try {
            Files.createDirectories(byPath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        script();
    }

    Path byPathDirectory() {
        return byPath;
    }

    /** A target at {@code portal} serving {@code iqn} with one LUN, asking for CHAP when given. */
    synchronized Lun serve(String portal, String iqn, ChapCredentials chap, long sizeBytes) {
        Lun lun = new Lun(portal, iqn, chap, sizeBytes);
        network.put(key(portal, iqn), lun);
        return lun;
    }

    /** The target grows its LUN; sessions see it only after a rescan. */
    synchronized void grow(String iqn, long sizeBytes) {
        network.values().stream().filter(lun -> lun.iqn.equals(iqn)).forEach(lun -> lun.sizeBytes = sizeBytes);
    }

    synchronized Lun lun(String iqn) {
        return network.values().stream().filter(lun -> lun.iqn.equals(iqn)).findFirst().orElseThrow();
    }

    synchronized Set<String> sessions() {
        return Set.copyOf(sessions.keySet());
    }

    synchronized Map<String, Map<String, String>> nodeRecords() {
        return Map.copyOf(nodeRecords);
    }

    synchronized List<Mount> mounts() {
        return List.copyOf(mounts);
    }

    synchronized Mount mountAt(Path target) {
        return mounts.reversed().stream().filter(mount -> mount.target().equals(target)).findFirst().orElse(null);
    }

    /** The kernel remounts a file system read-only after I/O errors. */
    synchronized void remountReadOnlyAfterErrors(Path target) {
        Mount mount = mountAt(target);
        mounts.remove(mount);
        List<String> options = new ArrayList<>(mount.options());
        options.set(0, "ro");
        mounts.add(new Mount(target, mount.source(), mount.fsType(), options, mount.lun()));
    }

    /** Someone unmounted it behind the driver's back. */
    synchronized void unmountBehindTheDriversBack(Path target) {
        mounts.remove(mountAt(target));
    }

    static String key(String portal, String iqn) {
        return portal + " " + iqn;
    }

    private void script() {
        runner.on("iscsiadm -m session", command -> sessionList());
        runner.on("iscsiadm -m session --rescan", command -> rescan());
        runner.on(NODE + " -o new", command -> withNode(command, this::newRecord));
        runner.on(NODE + " -o update -n (\\S+) -v (.*)", command -> withNode(command, this::update));
        runner.on(NODE + " --login", command -> withNode(command, this::login));
        runner.on(NODE + " --logout", command -> withNode(command, this::logout));
        runner.on(NODE + " -o delete", command -> withNode(command, this::deleteRecord));
        runner.on("blkid --probe --output export (\\S+)", command -> probe(Path.of(lastArg(command))));
        runner.on("mkfs\\.(ext4|xfs) -q (-F )?(\\S+)", this::mkfs);
        runner.on("e2fsck -p (\\S+)", command -> CommandResult.ok(lastArg(command) + ": clean\n"));
        runner.on("mount -t (\\S+)( -o \\S+)? (\\S+) (\\S+)", this::mount);
        runner.on("mount --bind (\\S+) (\\S+)", this::bind);
        runner.on("mount -o remount,bind,ro (\\S+)", command -> remountReadOnly(Path.of(lastArg(command))));
        runner.on("umount (\\S+)", command -> umount(Path.of(lastArg(command))));
        runner.on("findmnt --noheadings --pairs --output SOURCE,FSTYPE,OPTIONS --mountpoint (\\S+)",
                command -> findmnt(Path.of(lastArg(command))));
        runner.on("blockdev --getsize64 (\\S+)", command -> blockSize(Path.of(lastArg(command))));
        runner.on("resize2fs (\\S+)", command -> growFilesystem(disk(Path.of(lastArg(command)))));
        runner.on("xfs_growfs (\\S+)", command -> growFilesystem(mountAt(Path.of(lastArg(command))).lun()));
        runner.on("stat --file-system --format %S %b %f %a %c %d (\\S+)",
                command -> statfs(Path.of(lastArg(command))));
    }

    private interface NodeAction {
        CommandResult apply(String key, Matcher arguments);
    }

    private synchronized CommandResult withNode(Command command, NodeAction action) {
        Matcher matcher = Pattern.compile(NODE + "(.*)").matcher(String.join(" ", command.argv()));
        if (!matcher.matches()) {
            throw new AssertionError(command.display());
        }
        return action.apply(key(matcher.group(2), matcher.group(1)), matcher);
    }

    private synchronized CommandResult sessionList() {
        if (sessions.isEmpty()) {
            return CommandResult.exit(21, "iscsiadm: No active sessions.\n");
        }
        StringBuilder out = new StringBuilder();
        sessions.forEach((key, id) -> {
            String[] parts = key.split(" ");
            out.append("tcp: [").append(id).append("] ").append(parts[0]).append(",1 ").append(parts[1])
                    .append(" (non-flash)\n");
        });
        return CommandResult.ok(out.toString());
    }

    private synchronized CommandResult rescan() {
        if (sessions.isEmpty()) {
            return CommandResult.exit(21, "iscsiadm: No session found.\n");
        }
        disks.forEach((device, lun) -> diskSizes.put(device, lun.sizeBytes));
        return CommandResult.ok("Rescanning session [sid: 1, target: ..., portal: ...]\n");
    }

    private CommandResult newRecord(String key, Matcher arguments) {
        nodeRecords.put(key, new LinkedHashMap<>());
        return CommandResult.ok("New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] " + key + "] added\n");
    }

    private CommandResult update(String key, Matcher arguments) {
        Matcher setting = Pattern.compile(" -o update -n (\\S+) -v (.*)").matcher(arguments.group(3));
        if (!nodeRecords.containsKey(key) || !setting.matches()) {
            return CommandResult.exit(21, "iscsiadm: No records found\n");
        }
        nodeRecords.get(key).put(setting.group(1), setting.group(2));
        return CommandResult.ok("");
    }

    private CommandResult login(String key, Matcher arguments) {
        Map<String, String> record = nodeRecords.get(key);
        if (record == null) {
            return CommandResult.exit(21, "iscsiadm: No records found\n");
        }
        if (sessions.containsKey(key)) {
            return CommandResult.exit(15, "iscsiadm: default: 1 session requested, but 1 already present.\n");
        }
        Lun lun = network.get(key);
        if (lun == null) {
            return CommandResult.exit(8, "iscsiadm: Could not login to [iface: default, target: " + arguments.group(1)
                    + ", portal: " + arguments.group(2) + ",3260].\niscsiadm: initiator reported error (8 - connection"
                    + " timed out)\n");
        }
        if (lun.chap != null && !("CHAP".equals(record.get("node.session.auth.authmethod"))
                && lun.chap.username().equals(record.get("node.session.auth.username"))
                && lun.chap.password().equals(record.get("node.session.auth.password")))) {
            return CommandResult.exit(24, "iscsiadm: initiator reported error (24 - iSCSI login failed due to"
                    + " authorization failure)\n");
        }
        sessions.put(key, nextSessionId++);
        Path device = devices.resolve("sd" + nextDisk++);
        try {
            Files.createFile(device);
            Files.createSymbolicLink(byPath.resolve(new IscsiTarget(lun.portal, lun.iqn).byPathName()), device);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        disks.put(device, lun);
        diskSizes.put(device, lun.sizeBytes);
        return CommandResult.ok("Login to [iface: default, target: " + lun.iqn + ", portal: " + lun.portal
                + "] successful.\n");
    }

    private CommandResult logout(String key, Matcher arguments) {
        if (sessions.remove(key) == null) {
            return CommandResult.exit(21, "iscsiadm: No matching sessions found\n");
        }
        Lun lun = network.get(key);
        Path link = byPath.resolve(new IscsiTarget(lun.portal, lun.iqn).byPathName());
        try {
            Path device = link.toRealPath();
            Files.delete(link);
            Files.delete(device);
            disks.remove(device);
            diskSizes.remove(device);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return CommandResult.ok("Logout of [sid: 1, target: " + lun.iqn + "] successful.\n");
    }

    private CommandResult deleteRecord(String key, Matcher arguments) {
        return nodeRecords.remove(key) == null ? CommandResult.exit(21, "iscsiadm: No records found\n")
                : CommandResult.ok("");
    }

    private synchronized Lun disk(Path device) {
        Lun lun = disks.get(device);
        if (lun == null) {
            throw new AssertionError("no disk " + device + " on this host; disks: " + disks.keySet());
        }
        return lun;
    }

    private synchronized CommandResult probe(Path device) {
        Lun lun = disks.get(device);
        if (lun == null) {
            return CommandResult.exit(2, "");
        }
        if (lun.fsType == null) {
            return CommandResult.exit(2, "");
        }
        return CommandResult.ok("DEVNAME=" + device + "\nUUID=1b4e28ba-2fa1-11d2-883f-0016d3cca427\nTYPE="
                + lun.fsType + "\nUSAGE=filesystem\n");
    }

    private synchronized CommandResult mkfs(Command command) {
        Lun lun = disk(Path.of(lastArg(command)));
        lun.fsType = command.program().substring("mkfs.".length());
        lun.fsSizeBytes = diskSizes.get(Path.of(lastArg(command)));
        lun.usedBytes = 0;
        return CommandResult.ok("");
    }

    private synchronized CommandResult mount(Command command) {
        List<String> argv = command.argv();
        String fsType = argv.get(2);
        List<String> options = new ArrayList<>(List.of("rw", "relatime"));
        if (argv.size() == 7) {
            options.addAll(List.of(argv.get(4).split(",")));
        }
        Path device = Path.of(argv.get(argv.size() - 2));
        Path target = Path.of(argv.getLast());
        if (!Files.isDirectory(target)) {
            return CommandResult.exit(32, "mount: " + target + ": mount point does not exist.\n");
        }
        Lun lun = disks.get(device);
        if (lun == null || !fsType.equals(lun.fsType)) {
            return CommandResult.exit(32, "mount: " + target + ": wrong fs type, bad option, bad superblock on "
                    + device + ", missing codepage or helper program, or other error.\n");
        }
        mounts.add(new Mount(target, device.toString(), fsType, options, lun));
        return CommandResult.ok("");
    }

    private synchronized CommandResult bind(Command command) {
        Path source = Path.of(command.argv().get(2));
        Path target = Path.of(command.argv().get(3));
        if (!Files.exists(target)) {
            return CommandResult.exit(32, "mount: " + target + ": mount point does not exist.\n");
        }
        Mount sourceMount = mountAt(source);
        if (sourceMount != null) {
            mounts.add(new Mount(target, sourceMount.source(), sourceMount.fsType(), List.of("rw", "relatime"),
                    sourceMount.lun()));
        } else if (disks.containsKey(source)) {
            mounts.add(new Mount(target, "udev[/" + source.getFileName() + "]", "devtmpfs", List.of("rw", "nosuid"),
                    disks.get(source)));
        } else {
            return CommandResult.exit(32, "mount: " + target + ": special device " + source + " does not exist.\n");
        }
        return CommandResult.ok("");
    }

    private synchronized CommandResult remountReadOnly(Path target) {
        Mount mount = mountAt(target);
        if (mount == null) {
            return CommandResult.exit(32, "mount: " + target + ": mount point not mounted or bad option.\n");
        }
        remountReadOnlyAfterErrors(target);
        return CommandResult.ok("");
    }

    private synchronized CommandResult umount(Path target) {
        Mount mount = mountAt(target);
        if (mount == null) {
            return CommandResult.exit(32, "umount: " + target + ": not mounted.\n");
        }
        mounts.remove(mount);
        return CommandResult.ok("");
    }

    private synchronized CommandResult findmnt(Path target) {
        Mount mount = mountAt(target);
        if (mount == null) {
            return CommandResult.exit(1, "");
        }
        return CommandResult.ok("SOURCE=\"" + mount.source() + "\" FSTYPE=\"" + mount.fsType() + "\" OPTIONS=\""
                + String.join(",", mount.options()) + "\"\n");
    }

    private synchronized CommandResult blockSize(Path path) {
        Mount bound = mountAt(path);
        if (bound != null && "devtmpfs".equals(bound.fsType())) {
            Path device = disks.entrySet().stream().filter(entry -> entry.getValue() == bound.lun())
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            return CommandResult.ok(diskSizes.get(device) + "\n");
        }
        if (!diskSizes.containsKey(path)) {
            return CommandResult.exit(1, "blockdev: cannot open " + path + ": No such file or directory\n");
        }
        return CommandResult.ok(diskSizes.get(path) + "\n");
    }

    private synchronized CommandResult growFilesystem(Lun lun) {
        Path device = disks.entrySet().stream().filter(entry -> entry.getValue() == lun)
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        lun.fsSizeBytes = diskSizes.get(device);
        return CommandResult.ok("");
    }

    private synchronized CommandResult statfs(Path path) {
        Mount mount = mountAt(path);
        if (mount == null) {
            return CommandResult.exit(1, "stat: cannot read file system information for '" + path + "'\n");
        }
        Lun lun = mount.lun();
        long blockSize = Long.parseLong(BLOCK_SIZE);
        long blocks = lun.fsSizeBytes / blockSize;
        long free = blocks - lun.usedBytes / blockSize;
        long available = free - blocks / 20; // ext4 reserves 5% for root
        long inodes = lun.fsSizeBytes / 16384;
        long freeInodes = inodes - 11;
        return CommandResult.ok(blockSize + " " + blocks + " " + free + " " + available + " " + inodes + " "
                + freeInodes + "\n");
    }

    private static String lastArg(Command command) {
        return command.argv().getLast();
    }

}
