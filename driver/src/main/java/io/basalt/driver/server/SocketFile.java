package io.basalt.driver.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a socket path ready to bind: a file left by a process that died is removed, but a socket
 * someone still serves on, or a file that is not a socket, is never touched.
 */
final class SocketFile {

    private static final Logger LOG = LoggerFactory.getLogger(SocketFile.class);
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    private SocketFile() {
    }

    static void prepare(Path socket) {
        createParent(socket);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socket)) {
            throw new EndpointException(socket + " exists and is not a socket; refusing to replace it");
        }
        if (someoneListens(socket)) {
            throw new EndpointException("another process is already serving on " + socket);
        }
        try {
            Files.delete(socket);
            LOG.info("removed stale socket {}", socket);
        } catch (IOException e) {
            throw new EndpointException("cannot remove stale socket " + socket + ": " + e.getMessage(), e);
        }
    }

    static void remove(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove socket {}: {}", socket, e.getMessage());
        }
    }

    private static void createParent(Path socket) {
        Path parent = socket.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new EndpointException("cannot create the socket's directory " + parent + ": " + e, e);
        }
        if (!Files.isWritable(parent)) {
            throw new EndpointException("the socket's directory " + parent + " is not writable");
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & FILE_TYPE_MASK) == SOCKET_TYPE;
        } catch (IOException e) {
            throw new EndpointException("cannot inspect " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean someoneListens(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
