package io.basalt.engine.cli;

import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetManagementGrpc.TargetManagementBlockingStub;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The admin client of the management APIs. Exit status: 0 done, 1 the engine refused, 2 usage
 * error, 3 the engine could not be reached in time.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
        description = "Administer a running engine process through its management API.",
        subcommands = {CtlCommand.TargetStatus.class, CtlCommand.ResizeTarget.class})
public final class CtlCommand {

    static final int REFUSED = 1;
    static final int UNREACHABLE = 3;

    @Option(names = "--target", required = true, converter = HostPort.Converter.class, scope = ScopeType.INHERIT,
            description = "HOST:PORT of the target's management API (its --mgmt).")
    HostPort target;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "10", scope = ScopeType.INHERIT,
            description = "Seconds to wait for the answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    /** Calls the target with a deadline, prints the answer and turns failures into exit codes. */
    <T> int call(Function<TargetManagementBlockingStub, T> rpc, Function<T, String> text, Function<T, String> jsonText) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port()).usePlaintext().build();
        try {
            T answer = rpc.apply(TargetManagementGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS));
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? jsonText.apply(answer) : text.apply(answer));
            out.flush();
            return 0;
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            boolean unreachable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
            PrintWriter err = spec.commandLine().getErr();
            err.println((unreachable ? "cannot reach " : "refused by ") + target + ": " + code
                    + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()));
            err.flush();
            return unreachable ? UNREACHABLE : REFUSED;
        } finally {
            channel.shutdownNow();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show what the target serves, its health and its sessions.")
    static final class TargetStatus implements Callable<Integer> {

        @ParentCommand
        CtlCommand ctl;

        @Override
        public Integer call() {
            return ctl.call(stub -> stub.targetStatus(TargetStatusRequest.getDefaultInstance()),
                    StatusRendering::text, StatusRendering::json);
        }
    }

    @Command(name = "resize", mixinStandardHelpOptions = true,
            description = "Grow the target's LUN while it serves (targets never shrink).")
    static final class ResizeTarget implements Callable<Integer> {

        @ParentCommand
        CtlCommand ctl;

        @Parameters(index = "0", paramLabel = "SIZE", converter = ByteSize.class,
                description = "New size in bytes; K/M/G/T and Ki/Mi/Gi/Ti suffixes are powers of 1024.")
        long size;

        @Override
        public Integer call() {
            return ctl.call(stub -> stub.resizeTarget(ResizeTargetRequest.newBuilder().setCapacityBytes(size).build()),
                    StatusRendering::text, StatusRendering::json);
        }
    }
}
