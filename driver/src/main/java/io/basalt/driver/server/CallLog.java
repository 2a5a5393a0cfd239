package io.basalt.driver.server;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One structured log line per CSI call: method, volume, duration and status code. Only the
 * volume id is taken from the request, so secrets and mount flags never reach the log.
 */
final class CallLog implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(CallLog.class);
    private static final String[] VOLUME_FIELDS = {"volume_id", "source_volume_id", "snapshot_id", "name"};

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        String[] volume = {""};
        ServerCall<Q, R> logged = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long micros = (System.nanoTime() - started) / 1_000;
                LOG.atLevel(status.isOk() ? Level.INFO : Level.WARN)
                        .addKeyValue("method", method)
                        .addKeyValue("volume", volume[0])
                        .addKeyValue("durationMicros", micros)
                        .addKeyValue("code", status.getCode().name())
                        .log(status.isOk() ? "{} ok" : "{} failed: {}", method, status.getDescription());
                super.close(status, trailers);
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(logged, headers)) {
            @Override
            public void onMessage(Q request) {
                if (request instanceof Message message) {
                    volume[0] = subjectOf(message);
                }
                super.onMessage(request);
            }
        };
    }

    /** The id of the volume (or snapshot) a request is about, or "" for plugin-wide calls. */
    private static String subjectOf(Message request) {
        for (String name : VOLUME_FIELDS) {
            FieldDescriptor field = request.getDescriptorForType().findFieldByName(name);
            if (field != null && field.getType() == FieldDescriptor.Type.STRING && !field.isRepeated()) {
                Object value = request.getField(field);
                if (!"".equals(value)) {
                    return (String) value;
                }
            }
        }
        return "";
    }
}
