package io.basalt.engine.replica.server;

import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.FrameBytes;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.protocol.VolumeProof;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A replica protocol client on a plain blocking socket, which reads from the connection only when
 * the test says so (a {@code ReplicaClient} always reads): frames are encoded and decoded with the
 * protocol's own codec.
 */
final class RawReplicaConnection implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final EmbeddedChannel codec = new EmbeddedChannel(new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_BYTES));

    /** Connects with a small receive buffer, so that answers the test does not read stay on the pool. */
    RawReplicaConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(10_000);
        socket.connect(address);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Answers the challenge with the proof for {@code replica} and returns the pool's answer. */
    Message authenticate(String replica, byte[] secret) throws IOException {
        byte[] nonce = ((Message.Challenge) read().message()).nonce();
        send(new Frame(1, new Message.Hello(replica, true, VolumeProof.compute(secret, nonce, replica))));
        return read().message();
    }

    void send(Frame... frames) throws IOException {
        socket.getOutputStream().write(FrameBytes.of(frames));
        socket.getOutputStream().flush();
    }

    Frame read() throws IOException {
        int length = in.readInt();
        byte[] rest = new byte[length];
        in.readFully(rest);
        codec.writeInbound(Unpooled.buffer(Integer.BYTES + length).writeInt(length).writeBytes(rest));
        return codec.readInbound();
    }

    @Override
    public void close() throws IOException {
        codec.finishAndReleaseAll();
        socket.close();
    }
}
