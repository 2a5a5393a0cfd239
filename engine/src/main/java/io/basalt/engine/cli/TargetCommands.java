package io.basalt.engine.cli;

import io.basalt.engine.management.v1.AddReplicaRequest;
import io.basalt.engine.management.v1.RemoveReplicaRequest;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.SnapshotVolumeRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ctl --target HOST:PORT resize|snapshot|add-replica|remove-replica ...}: the calls that change
 * what a target serves. Snapshots and replica membership need a replicated target.
 */
final class TargetCommands {

    private TargetCommands() {
    }

    /** The replica a membership call is about, named: a pool holds the replicas of many volumes. */
    static final class Member {

        @Parameters(index = "0", paramLabel = "NAME@HOST:PORT", converter = ReplicaAddress.Converter.class,
                description = "The replica's name on its pool and the pool's replica protocol address (its --listen).")
        ReplicaAddress replica;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        String name() {
            if (replica.name() == null) {
                throw new ParameterException(spec.commandLine(), "'" + replica.pool()
                        + "' names no replica: give NAME@HOST:PORT");
            }
            return replica.name();
        }

        String address() {
            return replica.pool().toString();
        }
    }

    @Command(name = "resize", mixinStandardHelpOptions = true,
            description = "Grow the target's LUN while it serves (targets never shrink); a replicated target "
                    + "grows its replicas first.")
    static final class Resize implements Callable<Integer> {

        @ParentCommand
        CtlCommand ctl;

        @Parameters(index = "0", paramLabel = "SIZE", converter = ByteSize.class,
                description = "New size in bytes; K/M/G/T and Ki/Mi/Gi/Ti suffixes are powers of 1024.")
        long size;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return ctl.callTarget(spec, stub -> stub.resizeTarget(ResizeTargetRequest.newBuilder()
                    .setCapacityBytes(size).build()), StatusRendering::text, StatusRendering::json);
        }
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true,
            description = "Drain the writes under way, flush, and snapshot every healthy replica under one name; "
                    + "repeating a name the replicas already have is no error.")
    static final class Snapshot implements Callable<Integer> {

        @ParentCommand
        CtlCommand ctl;

        @Parameters(index = "0", paramLabel = "NAME", description = "Name of the snapshot on every replica.")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return ctl.callTarget(spec, stub -> stub.snapshotVolume(SnapshotVolumeRequest.newBuilder()
                    .setSnapshot(name).build()), ReplicatedRendering::text, ReplicatedRendering::json);
        }
    }

    @Command(name = "add-replica", mixinStandardHelpOptions = true,
            description = "Add a replica (created on its pool with the volume's secret) to the volume: it takes "
                    + "new writes at once and rebuilds the rest online.")
    static final class AddReplica implements Callable<Integer> {

        @ParentCommand
        CtlCommand ctl;

        @Mixin
        Member member;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String name = member.name();
            return ctl.callTarget(spec, stub -> stub.addReplica(AddReplicaRequest.newBuilder()
                            .setName(name).setAddress(member.address()).build()),
                    ReplicatedRendering::text, ReplicatedRendering::json);
        }
    }

    @Command(name = "remove-replica", mixinStandardHelpOptions = true,
            description = "Retire a replica from the volume (refused when fewer than CF healthy replicas would "
                    + "remain); its data stays on its pool.")
    static final class RemoveReplica implements Callable<Integer> {

        @ParentCommand
        CtlCommand ctl;

        @Mixin
        Member member;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String name = member.name();
            return ctl.callTarget(spec, stub -> stub.removeReplica(RemoveReplicaRequest.newBuilder()
                            .setName(name).setAddress(member.address()).build()),
                    removed -> "Removed replica " + name + "@" + member.address(),
                    removed -> StatusRendering.write(StatusRendering.JSON.createObjectNode()
                            .put("removed", name).put("address", member.address())));
        }
    }
}
