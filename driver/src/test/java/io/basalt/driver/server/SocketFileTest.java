package io.basalt.driver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketFileTest {

    @TempDir
    Path dir;

    @Test
    void socketLeftByADeadProcessIsRemoved() throws IOException {
        Path socket = dir.resolve("csi.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        SocketFile.prepare(socket);

        assertThat(socket).doesNotExist();
    }

    @Test
    void socketSomeoneServesOnIsRefusedAndKept() throws IOException {
        Path socket = dir.resolve("csi.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));

            assertThatThrownBy(() -> SocketFile.prepare(socket))
                    .isInstanceOf(EndpointException.class)
                    .hasMessageContaining("already serving on " + socket);
            assertThat(socket).exists();
        }
    }

    @Test
    void regularFileAtTheSocketPathIsRefusedAndKept() throws IOException {
        Path notASocket = Files.writeString(dir.resolve("csi.sock"), "precious");

        assertThatThrownBy(() -> SocketFile.prepare(notASocket))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("is not a socket");
        assertThat(notASocket).hasContent("precious");
    }

    @Test
    void missingDirectoryIsCreated() {
        Path socket = dir.resolve("plugins/csi.basalt.io/csi.sock");

        SocketFile.prepare(socket);

        assertThat(socket.getParent()).isDirectory();
    }

    @Test
    void directoryThatCannotBeCreatedIsRefused() throws IOException {
        Path blocker = Files.writeString(dir.resolve("file"), "");

        assertThatThrownBy(() -> SocketFile.prepare(blocker.resolve("csi.sock")))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("cannot create the socket's directory");
    }
}
