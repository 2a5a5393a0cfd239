package io.basalt.engine.cli;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.iscsi.IscsiServer;
import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.login.ChapCredentials;
import io.basalt.engine.iscsi.text.TargetLimits;
import io.basalt.engine.management.ManagementServer;
import io.basalt.engine.management.ServedTarget;
import io.basalt.engine.management.TargetManagementService;
import io.basalt.engine.scsi.BlockScsiTarget;
import io.basalt.engine.scsi.LogicalUnit;
import io.basalt.engine.scsi.LogicalUnitConfig;
import io.netty.buffer.PooledByteBufAllocator;
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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Serves one file-backed LUN as an iSCSI target until SIGTERM or SIGINT. */
@Command(name = "target", mixinStandardHelpOptions = true,
        description = "Serve a file-backed logical unit over iSCSI.")
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

    @Option(names = "--backing-file", required = true, description = "Sparse file holding the LUN's data.")
    private Path backingFile;

    @Option(names = "--size", required = true, converter = ByteSize.class,
            description = "LUN size in bytes; K/M/G/T and Ki/Mi/Gi/Ti suffixes are powers of 1024.")
    private long size;

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
        FileBlockDevice device = FileBlockDevice.open(backingFile, size, BLOCK_SIZE,
                Math.max(4, Runtime.getRuntime().availableProcessors() * 2), PooledByteBufAllocator.DEFAULT);
        CountDownLatch stop = TerminationSignals.latch();
        LogicalUnit unit = new LogicalUnit(LogicalUnitConfig.basalt(serialNumber(iqn)), device);
        IscsiServer server = new IscsiServer(config, new BlockScsiTarget(unit));
        ManagementServer management = null;
        try {
            InetSocketAddress bound;
            try {
                bound = server.start(listen.socketAddress());
            } catch (Exception e) {
                LOG.error("cannot listen: {} {}", kv("listen", listen.toString()), kv("reason", e.getMessage()));
                return 1;
            }
            LOG.info("iSCSI target ready: {} {} {} {} {}", kv("iqn", iqn), kv("listen", new HostPort(bound.getHostString(), bound.getPort()).toString()), kv("advertise", config.advertisedPortal() != null
                    ? config.advertisedPortal() : "address each initiator connected to"), kv("sizeBytes", size),
                    kv("transport", IscsiServer.nativeTransport() ? "epoll" : "nio"));
            if (mgmt != null) {
                try {
                    management = ManagementServer.start(mgmt.socketAddress(), new TargetManagementService(
                            new ServedTarget(iqn, config.advertisedPortal(), unit, device, server::sessions)));
                } catch (IOException e) {
                    LOG.error("cannot serve the management API: {} {}", kv("mgmt", mgmt.toString()),
                            kv("reason", e.getMessage()));
                    return 1;
                }
                InetSocketAddress mgmtBound = management.address();
                LOG.info("management API ready: {} {}", kv("iqn", iqn),
                        kv("mgmt", new HostPort(mgmtBound.getHostString(), mgmtBound.getPort()).toString()));
            }
            stop.await();
            LOG.info("stopping iSCSI target: {}", kv("iqn", iqn));
        } finally {
            if (management != null) {
                management.close();
            }
            server.close();
            device.flush().join();
            device.close();
        }
        LOG.info("iSCSI target stopped: {}", kv("iqn", iqn));
        return 0;
    }

    private TargetConfig validatedConfig() {
        if (!iqn.matches("(iqn\\.\\d{4}-\\d{2}\\.[^\\s]+|eui\\.[0-9A-Fa-f]{16}|naa\\.[0-9A-Fa-f]{16,32})")) {
            throw usage("--iqn '" + iqn + "' is not an iSCSI name (iqn.YYYY-MM.domain:..., eui.* or naa.*)");
        }
        if (size % BLOCK_SIZE != 0) {
            throw usage("--size " + size + " is not a multiple of the " + BLOCK_SIZE + "-byte block size");
        }
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
