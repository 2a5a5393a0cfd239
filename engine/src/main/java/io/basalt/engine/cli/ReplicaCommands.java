package io.basalt.engine.cli;

import com.google.protobuf.ByteString;
import io.basalt.engine.management.v1.CloneSource;
import io.basalt.engine.management.v1.CreateReplicaRequest;
import io.basalt.engine.management.v1.CreateSnapshotRequest;
import io.basalt.engine.management.v1.DeleteReplicaRequest;
import io.basalt.engine.management.v1.DeleteSnapshotRequest;
import io.basalt.engine.management.v1.ListReplicasRequest;
import io.basalt.engine.management.v1.ReplicaChecksumRequest;
import io.basalt.engine.management.v1.ResizeReplicaRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ctl --pool HOST:PORT replica ...}: the replicas of a pool server and their snapshots. */
@Command(name = "replica", mixinStandardHelpOptions = true,
        description = "Create, delete, resize, list, snapshot and checksum the replicas of a pool server (needs --pool).",
        subcommands = {ReplicaCommands.Create.class, ReplicaCommands.Delete.class, ReplicaCommands.Resize.class,
                ReplicaCommands.List.class,
                ReplicaCommands.Checksum.class, ReplicaCommands.Snapshot.class, ReplicaCommands.DeleteSnapshot.class})
final class ReplicaCommands {

    @ParentCommand
    CtlCommand ctl;

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a replica reading as zeros, or a clone of a snapshot; an identical one "
                    + "that exists already is no error.")
    static final class Create implements Callable<Integer> {

        @ParentCommand
        ReplicaCommands replica;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "Name of the new replica.")
        String name;

        @Option(names = "--size", converter = ByteSize.class,
                description = "Size in bytes (a multiple of 4 KiB); K/M/G/T and Ki/Mi/Gi/Ti are powers of 1024. "
                        + "A clone takes its snapshot's size.")
        long size;

        @Option(names = "--clone-of", paramLabel = "REPLICA@SNAPSHOT",
                description = "Start as this snapshot of another replica of the pool.")
        String cloneOf;

        @Option(names = "--secret-file", paramLabel = "FILE",
                description = "File holding the volume's secret (16 to 1024 bytes), which its target proves it "
                        + "knows on the replica protocol; read here so that it never appears in a process list.")
        Path secretFile;

        @Override
        public Integer call() {
            CreateReplicaRequest.Builder request = CreateReplicaRequest.newBuilder().setName(name).setSizeBytes(size);
            if (secretFile != null) {
                try {
                    request.setSecret(ByteString.copyFrom(Files.readAllBytes(secretFile)));
                } catch (IOException e) {
                    throw new ParameterException(spec.commandLine(), "cannot read --secret-file " + secretFile + ": "
                            + e.getMessage());
                }
            }
            if (cloneOf != null) {
                int at = cloneOf.indexOf('@');
                if (at <= 0 || at == cloneOf.length() - 1) {
                    throw new ParameterException(spec.commandLine(), "--clone-of '" + cloneOf
                            + "' is not REPLICA@SNAPSHOT");
                }
                request.setCloneOf(CloneSource.newBuilder().setReplica(cloneOf.substring(0, at))
                        .setSnapshot(cloneOf.substring(at + 1)));
            } else if (size == 0) {
                throw new ParameterException(spec.commandLine(), "a new replica needs --size (or --clone-of)");
            }
            return replica.ctl.callPool(spec, stub -> stub.createReplica(request.build()),
                    PoolRendering::text, PoolRendering::json);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a replica; clones made from its snapshots keep their content.")
    static final class Delete implements Callable<Integer> {

        @ParentCommand
        ReplicaCommands replica;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return replica.ctl.callPool(spec, stub -> stub.deleteReplica(DeleteReplicaRequest.newBuilder()
                            .setName(name).build()),
                    deleted -> "Deleted replica " + name,
                    deleted -> StatusRendering.write(StatusRendering.JSON.createObjectNode().put("deleted", name)));
        }
    }

    @Command(name = "resize", mixinStandardHelpOptions = true, description = "Grow a replica (replicas never shrink).")
    static final class Resize implements Callable<Integer> {

        @ParentCommand
        ReplicaCommands replica;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "SIZE", converter = ByteSize.class,
                description = "New size in bytes; K/M/G/T and Ki/Mi/Gi/Ti suffixes are powers of 1024.")
        long size;

        @Override
        public Integer call() {
            return replica.ctl.callPool(spec, stub -> stub.resizeReplica(ResizeReplicaRequest.newBuilder()
                    .setName(name).setSizeBytes(size).build()), PoolRendering::text, PoolRendering::json);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the replicas with size, used space, epoch and snapshots.")
    static final class List implements Callable<Integer> {

        @ParentCommand
        ReplicaCommands replica;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return replica.ctl.callPool(spec, stub -> stub.listReplicas(ListReplicasRequest.getDefaultInstance()),
                    PoolRendering::text, PoolRendering::json);
        }
    }

    @Command(name = "checksum", mixinStandardHelpOptions = true,
            description = "CRC32C of a replica's whole content (equal for replicas holding the same data); "
                    + "meaningful while nothing writes to it.")
    static final class Checksum implements Callable<Integer> {

        @ParentCommand
        ReplicaCommands replica;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return replica.ctl.callPool(spec, stub -> stub.replicaChecksum(ReplicaChecksumRequest.newBuilder()
                    .setName(name).build()), PoolRendering::text, PoolRendering::json);
        }
    }

    /** A snapshot of a replica, as the snapshot commands take it. */
    static final class SnapshotOf {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "SNAPSHOT")
        String snapshot;
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true,
            description = "Freeze a replica's current content under a snapshot name.")
    static final class Snapshot implements Callable<Integer> {

        @ParentCommand
        ReplicaCommands replica;

        @Spec
        CommandSpec spec;

        @Mixin
        SnapshotOf of;

        @Override
        public Integer call() {
            return replica.ctl.callPool(spec, stub -> stub.createSnapshot(CreateSnapshotRequest.newBuilder()
                            .setReplica(of.name).setSnapshot(of.snapshot).build()),
                    taken -> "Snapshot " + of.snapshot + " of " + of.name + " taken",
                    taken -> StatusRendering.write(StatusRendering.JSON.createObjectNode()
                            .put("replica", of.name).put("snapshot", taken.getName())
                            .put("sizeBytes", taken.getSizeBytes())));
        }
    }

    @Command(name = "delete-snapshot", mixinStandardHelpOptions = true,
            description = "Delete a snapshot of a replica; clones made from it keep their content.")
    static final class DeleteSnapshot implements Callable<Integer> {

        @ParentCommand
        ReplicaCommands replica;

        @Spec
        CommandSpec spec;

        @Mixin
        SnapshotOf of;

        @Override
        public Integer call() {
            return replica.ctl.callPool(spec, stub -> stub.deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                            .setReplica(of.name).setSnapshot(of.snapshot).build()),
                    deleted -> "Snapshot " + of.snapshot + " of " + of.name + " deleted",
                    deleted -> StatusRendering.write(StatusRendering.JSON.createObjectNode()
                            .put("replica", of.name).put("deletedSnapshot", of.snapshot)));
        }
    }
}
