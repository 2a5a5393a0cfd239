package io.basalt.engine.cli;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.block.BlockDevice;
import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.iscsi.IscsiServer;
import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.login.ChapCredentials;
import io.basalt.engine.iscsi.text.TargetLimits;
import io.basalt.engine.management.ManagementServer;
import io.basalt.engine.management.ServedTarget;
import io.basalt.engine.management.TargetBackend;
import io.basalt.engine.management.TargetManagementService;
import io.basalt.engine.net.Transport;
import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replication.ReplicaEndpoint;
import io.basalt.engine.replication.ReplicatedBlockDevice;
import io.basalt.engine.replication.ReplicationSettings;
import io.basalt.engine.scsi.BlockScsiTarget;
import io.basalt.engine.scsi.LogicalUnit;
import io.basalt.engine.scsi.LogicalUnitConfig;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Serves one LUN as an iSCSI target until SIGTERM or SIGINT: file-backed ({@code --backing-file},
 * {@code --size}) or replicated on pool servers ({@code --volume}, {@code --replica}).
 */
@Command(name = "target", mixinStandardHelpOptions = true,
        description = "Serve a logical unit over iSCSI, from a file or replicated on pool servers.")
public final class TargetCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TargetCommand.class);
    private static final int BLOCK_SIZE = 512;

    @Spec
    private CommandSpec spec;

    @Option(names = "--iqn", required = true, description = "Target name (iqn./eui./naa. form).")
    private String iqn;

    @Option(names = "--listen", required = true, converter = HostPort.Converter.class,
            description = "HOST:PORT to listen on.")
    private HostPort listen;

    @Option(names = "--advertise", converter = HostPort.Converter.class,
            description = "HOST:PORT that discovery answers with (default: the listen address, or for a "
                    + "wildcard listen address the address each initiator connected to).")
    private HostPort advertise;

    @Option(names = "--mgmt", converter = HostPort.Converter.class,
            description = "HOST:PORT of the gRPC management API (status, online resize); none: no management API.")
    private HostPort mgmt;

    @Option(names = "--backing-file", description = "Sparse file holding the LUN's data (file-backed target).")
    private Path backingFile;

    @Option(names = "--size", converter = ByteSize.class,
            description = "LUN size in bytes for --backing-file; K/M/G/T and Ki/Mi/Gi/Ti suffixes are powers of 1024.")
    private Long size;

    @Option(names = "--volume", description = "Name of the replicated volume (replicated target).")
    private String volume;

    @Option(names = "--replica", converter = ReplicaAddress.Converter.class,
            description = "[NAME@]HOST:PORT of a replica's pool (repeat for each replica); NAME defaults to --volume.")
    private List<ReplicaAddress> replicas = new ArrayList<>();

    @Option(names = "--consistency-factor",
            description = "Replicas that must hold a write before it is acknowledged (default: replicas/2+1).")
    private Integer consistencyFactor;

    @Option(names = "--replica-secret", defaultValue = "${env:BASALT_REPLICA_SECRET}",
            description = "The volume's secret the replicas authenticate (default: $BASALT_REPLICA_SECRET).")
    private String replicaSecret;

    @Option(names = "--rebuild-rate", converter = ByteSize.class,
            description = "Bytes per second the volume's rebuilds may copy, all together (default: no limit).")
    private Long rebuildRate;

    @Option(names = "--quorum-wait", defaultValue = "20",
            description = "Seconds writes wait for the replicas to regain quorum (a pool restarting) before they fail; "
                    + "0 fails them at once. Keep it below the initiators' command timeout (30 s in Linux).")
    private int quorumWaitSeconds;

    // The environment is where pods get secrets: a command line is visible to every process on the node.
    @Option(names = "--chap-user", defaultValue = "${env:BASALT_CHAP_USER}",
            description = "CHAP user initiators must log in as (default: $BASALT_CHAP_USER).")
    private String chapUser;

    @Option(names = "--chap-secret", defaultValue = "${env:BASALT_CHAP_SECRET}",
            description = "CHAP secret of --chap-user (default: $BASALT_CHAP_SECRET).")
    private String chapSecret;

    @Option(names = "--mutual-chap-user", description = "User the target answers mutual CHAP with.")
    private String mutualChapUser;

    @Option(names = "--mutual-chap-secret", description = "Secret the target answers mutual CHAP with.")
    private String mutualChapSecret;

    @Option(names = "--allow-initiator", description = "Initiator name allowed to log in (repeatable; none: all).")
    private List<String> allowedInitiators = new ArrayList<>();

    @Option(names = "--nop-interval", defaultValue = "15",
            description = "Seconds of silence before the target pings an initiator; 0 disables pings.")
    private int nopIntervalSeconds;

    @Option(names = "--nop-timeout", defaultValue = "30",
            description = "Seconds the target waits for the answer to a ping.")
    private int nopTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        TargetConfig config = validatedConfig();
        CountDownLatch stop = TerminationSignals.latch();
        ServedLun lun = replicated() ? replicatedLun() : fileLun();
        LogicalUnit unit = new LogicalUnit(LogicalUnitConfig.basalt(serialNumber(iqn)), lun.device());
        IscsiServer server = new IscsiServer(config, new BlockScsiTarget(unit), lun.connectionLoops());
        ManagementServer management = null;
        try {
            if (mgmt != null) {
                try {
                    management = ManagementServer.start(mgmt.socketAddress(), new TargetManagementService(
                            new ServedTarget(iqn, config.advertisedPortal(), unit, lun.backend(), server::sessions)));
                } catch (IOException e) {
                    LOG.error("cannot serve the management API: {} {}", kv("mgmt", mgmt.toString()),
                            kv("reason", e.getMessage()));
                    return 1;
                }
                InetSocketAddress mgmtBound = management.address();
                LOG.info("management API ready: {} {}", kv("iqn", iqn),
                        kv("mgmt", new HostPort(mgmtBound.getHostString(), mgmtBound.getPort()).toString()));
            }
            if (!awaitReady(lun, stop)) {
                return 0;
            }
            InetSocketAddress bound;
            try {
                bound = server.start(listen.socketAddress());
            } catch (Exception e) {
                LOG.error("cannot listen: {} {}", kv("listen", listen.toString()), kv("reason", e.getMessage()));
                return 1;
            }
            LOG.info("iSCSI target ready: {} {} {} {} {}", kv("iqn", iqn), kv("listen", new HostPort(bound.getHostString(), bound.getPort()).toString()), kv("advertise", config.advertisedPortal() != null
                    ? config.advertisedPortal() : "address each initiator connected to"),
                    kv("sizeBytes", lun.device().size()),
                    kv("transport", Transport.CURRENT.name().toLowerCase(Locale.ROOT)));
            stop.await();
            LOG.info("stopping iSCSI target: {}", kv("iqn", iqn));
        } finally {
            if (management != null) {
                management.close();
            }
            server.close();
            lun.device().flush().exceptionally(failure -> null).join();
            lun.device().close();
            if (lun.connectionLoops() != null) {
                lun.connectionLoops().shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
        LOG.info("iSCSI target stopped: {}", kv("iqn", iqn));
        return 0;
    }

    /**
     * The device behind the LUN and how the management API sees it; {@code connectionLoops}: the
     * event loops the initiators' connections share with the device, or null for loops of their own.
     */
    private record ServedLun(BlockDevice device, TargetBackend backend, CompletableFuture<Void> ready,
                             EventLoopGroup connectionLoops) {
    }

    private boolean replicated() {
        return volume != null || !replicas.isEmpty();
    }

    private ServedLun fileLun() throws IOException {
        FileBlockDevice device = FileBlockDevice.open(backingFile, size, BLOCK_SIZE,
                Math.max(4, Runtime.getRuntime().availableProcessors() * 2), PooledByteBufAllocator.DEFAULT);
        return new ServedLun(device, new TargetBackend.File(device), CompletableFuture.completedFuture(null), null);
    }

    private ServedLun replicatedLun() {
        List<ReplicaEndpoint> endpoints = replicas.stream().map(replica -> new ReplicaEndpoint(
                replica.nameOr(volume), replica.pool().host(), replica.pool().port())).toList();
        int cf = consistencyFactor != null ? consistencyFactor : endpoints.size() / 2 + 1;
        ReplicationSettings settings = ReplicationSettings.defaults(cf)
                .withRebuildBytesPerSecond(rebuildRate == null ? 0 : rebuildRate)
                .withQuorumWait(Duration.ofSeconds(quorumWaitSeconds));
        // One event loop carries the initiators' requests to the replicas and the answers back: no
        // request or answer changes threads inside the target.
        EventLoopGroup loop = ReplicaClient.newEventLoopGroup(1);
        ReplicatedBlockDevice device = ReplicatedBlockDevice.open(volume, endpoints,
                replicaSecret.getBytes(StandardCharsets.UTF_8), settings, BLOCK_SIZE, loop);
        LOG.info("opening replicated volume: {} {} {}", kv("volume", volume),
                kv("replicas", endpoints.stream().map(ReplicaEndpoint::toString).toList()), kv("consistencyFactor", cf));
        return new ServedLun(device, new TargetBackend.Replicated(device), device.ready(), loop);
    }

    /** Waits until the LUN can serve; false when told to stop first. */
    private static boolean awaitReady(ServedLun lun, CountDownLatch stop) throws InterruptedException {
        while (!lun.ready().isDone()) {
            if (stop.await(200, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        lun.ready().join();
        return true;
    }

    private TargetConfig validatedConfig() {
        if (!iqn.matches("(iqn\\.\\d{4}-\\d{2}\\.[^\\s]+|eui\\.[0-9A-Fa-f]{16}|naa\\.[0-9A-Fa-f]{16,32})")) {
            throw usage("--iqn '" + iqn + "' is not an iSCSI name (iqn.YYYY-MM.domain:..., eui.* or naa.*)");
        }
        validateBackend();
        if ((chapUser == null) != (chapSecret == null)) {
            throw usage("--chap-user and --chap-secret go together");
        }
        if ((mutualChapUser == null) != (mutualChapSecret == null)) {
            throw usage("--mutual-chap-user and --mutual-chap-secret go together");
        }
        if (mutualChapUser != null && chapUser == null) {
            throw usage("mutual CHAP needs --chap-user and --chap-secret too");
        }
        if (nopIntervalSeconds < 0 || nopTimeoutSeconds <= 0) {
            throw usage("--nop-interval must be >= 0 and --nop-timeout > 0");
        }
        ChapCredentials chap = chapUser == null ? null : ChapCredentials.of(chapUser, chapSecret);
        ChapCredentials mutual = mutualChapUser == null ? null : ChapCredentials.of(mutualChapUser, mutualChapSecret);
        return new TargetConfig(iqn, advertisedPortal(), chap, mutual, Set.copyOf(allowedInitiators),
                TargetLimits.defaults(), Duration.ofSeconds(nopIntervalSeconds), Duration.ofSeconds(nopTimeoutSeconds),
                128);
    }

    private void validateBackend() {
        boolean file = backingFile != null || size != null;
        if (file && replicated()) {
            throw usage("--backing-file/--size (a file-backed target) and --volume/--replica (a replicated target) "
                    + "are mutually exclusive");
        }
        if (!file && !replicated()) {
            throw usage("give either --backing-file and --size (a file-backed target) or --volume and --replica "
                    + "(a replicated target)");
        }
        if (file) {
            if (backingFile == null || size == null) {
                throw usage("--backing-file and --size go together");
            }
            if (size <= 0 || size % BLOCK_SIZE != 0) {
                throw usage("--size " + size + " is not a positive multiple of the " + BLOCK_SIZE + "-byte block size");
            }
            return;
        }
        if (volume == null || replicas.isEmpty()) {
            throw usage("a replicated target needs --volume and at least one --replica");
        }
        int rf = replicas.size();
        if (consistencyFactor != null && (consistencyFactor < 1 || consistencyFactor > rf)) {
            throw usage("--consistency-factor " + consistencyFactor + " must be between 1 and the " + rf
                    + " replica(s) given");
        }
        if (replicaSecret == null || replicaSecret.isEmpty()) {
            throw usage("a replicated target needs the volume's secret: set BASALT_REPLICA_SECRET or --replica-secret");
        }
        if (quorumWaitSeconds < 0) {
            throw usage("--quorum-wait must be >= 0");
        }
    }

    /** The portal to advertise: as given, else the listen address unless that is a wildcard. */
    private String advertisedPortal() {
        if (advertise != null) {
            return advertise.toString();
        }
        boolean wildcard = listen.socketAddress().getAddress() != null && listen.socketAddress().getAddress().isAnyLocalAddress();
        return wildcard ? null : listen.toString();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A stable serial number for the LUN, derived from the target name. */
    private static String serialNumber(String targetName) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(targetName.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
