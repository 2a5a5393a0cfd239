package io.basalt.engine.cli;

import io.basalt.engine.management.v1.PoolManagementGrpc;
import io.basalt.engine.management.v1.PoolManagementGrpc.PoolManagementBlockingStub;
import io.basalt.engine.management.v1.PoolStatusRequest;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetManagementGrpc.TargetManagementBlockingStub;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractBlockingStub;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The admin client of the management APIs, of a target ({@code --target}) or a pool server
 * ({@code --pool}). Exit status: 0 done, 1 the engine refused, 2 usage error, 3 the engine could
 * not be reached in time.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
        description = "Administer a running engine process through its management API.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done; the answer is on standard output",
                "1:the engine refused (its gRPC code and reason on standard error)",
                "2:usage error", "3:the engine could not be reached within --timeout"},
        subcommands = {CtlCommand.ShowStatus.class, TargetCommands.Resize.class, TargetCommands.Snapshot.class,
                TargetCommands.AddReplica.class, TargetCommands.RemoveReplica.class, ReplicaCommands.class})
public final class CtlCommand {

    static final int REFUSED = 1;
    static final int UNREACHABLE = 3;

    @Option(names = "--target", converter = HostPort.Converter.class, scope = ScopeType.INHERIT,
            description = "HOST:PORT of a target's management API (its --mgmt).")
    HostPort target;

    @Option(names = "--pool", converter = HostPort.Converter.class, scope = ScopeType.INHERIT,
            description = "HOST:PORT of a pool server's management API (its --mgmt).")
    HostPort pool;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "10", scope = ScopeType.INHERIT,
            description = "Seconds to wait for the answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    /** Calls the target named by {@code --target}. */
    <T> int callTarget(CommandSpec command, Function<TargetManagementBlockingStub, T> rpc,
                       Function<T, String> text, Function<T, String> jsonText) {
        return call(requireAddress(command, "--target", target), TargetManagementGrpc::newBlockingStub, rpc, text,
                jsonText);
    }

    /** Calls the pool server named by {@code --pool}. */
    <T> int callPool(CommandSpec command, Function<PoolManagementBlockingStub, T> rpc,
                     Function<T, String> text, Function<T, String> jsonText) {
        return call(requireAddress(command, "--pool", pool), PoolManagementGrpc::newBlockingStub, rpc, text, jsonText);
    }

    private HostPort requireAddress(CommandSpec command, String option, HostPort address) {
        if (target != null && pool != null) {
            throw new ParameterException(command.commandLine(), "give either --target or --pool, not both");
        }
        if (address == null) {
            throw new ParameterException(command.commandLine(), "'" + command.qualifiedName() + "' needs " + option
                    + " HOST:PORT");
        }
        return address;
    }

    /** Calls an engine with a deadline, prints the answer and turns failures into exit codes. */
    private <S extends AbstractBlockingStub<S>, T> int call(HostPort address, Function<Channel, S> stubOf,
                                                           Function<S, T> rpc, Function<T, String> text,
                                                           Function<T, String> jsonText) {
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout is a number of seconds, at least 1, not "
                    + timeoutSeconds);
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext().build();
        try {
            T answer = rpc.apply(stubOf.apply(channel).withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS));
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? jsonText.apply(answer) : text.apply(answer));
            out.flush();
            return 0;
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            boolean unreachable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
            PrintWriter err = spec.commandLine().getErr();
            err.println((unreachable ? "cannot reach " : "refused by ") + address + ": " + code
                    + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()));
            err.flush();
            return unreachable ? UNREACHABLE : REFUSED;
        } finally {
            channel.shutdownNow();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show a target (what it serves, its health, sessions and, when replicated, each "
                    + "replica's mode, epoch, lag and rebuild progress) or a pool server "
                    + "(its space, replica count and health).")
    static final class ShowStatus implements Callable<Integer> {

        @ParentCommand
        CtlCommand ctl;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (ctl.pool == null && ctl.target == null) {
                throw new ParameterException(spec.commandLine(), "'status' needs --target or --pool HOST:PORT");
            }
            if (ctl.pool != null && ctl.target == null) {
                return ctl.callPool(spec, stub -> stub.poolStatus(PoolStatusRequest.getDefaultInstance()),
                        PoolRendering::text, PoolRendering::json);
            }
            return ctl.callTarget(spec, stub -> stub.targetStatus(TargetStatusRequest.getDefaultInstance()),
                    StatusRendering::text, StatusRendering::json);
        }
    }
}
