package io.basalt.engine.replica.client;

import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.FrameBytes;
import io.basalt.engine.replica.protocol.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A pool that welcomes any client, then answers nothing of itself: the test decides what it
 * answers and when the connection drops.
 */
final class UnresponsivePool implements AutoCloseable {

    private final ServerSocket listener;
    private Socket connection;

    UnresponsivePool() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Accepts the client's connection and completes its handshake (the hello is request 1). */
    void acceptAndWelcome() throws IOException {
        connection = listener.accept();
        OutputStream out = connection.getOutputStream();
        out.write(FrameBytes.of(new Frame(0, new Message.Challenge(new byte[32]))));
        out.write(FrameBytes.of(new Frame(1, new Message.Welcome(1 << 20, 0, 0, 0, 0, false))));
        out.flush();
    }

    /** Sends {@code frame} (without data of its own) to the client. */
    void answer(Frame frame) throws IOException {
        connection.getOutputStream().write(FrameBytes.of(frame));
        connection.getOutputStream().flush();
    }

    void dropConnection() throws IOException {
        connection.close();
    }

    @Override
    public void close() throws IOException {
        if (connection != null) {
            connection.close();
        }
        listener.close();
    }
}
