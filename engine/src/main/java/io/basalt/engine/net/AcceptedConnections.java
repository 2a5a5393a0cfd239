package io.basalt.engine.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The connections a server accepted, which closing the server must close: shutting their event loops
 * down leaves some open (an iSCSI connection not logged in every time, a pool's connection with a
 * request under way now and then), and loops shared with a device outlive the server. A peer of a
 * connection left open never learns that the server went away.
 */
public final class AcceptedConnections {

    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /** Called as each accepted connection is set up; a closed one leaves by itself. */
    public void add(Channel connection) {
        channels.add(connection);
    }

    /**
     * Closes every connection accepted before the server's listening channel closed, and waits.
     * {@code connectionLoops}: the loops those connections are registered on. Not to be called on one
     * of them.
     */
    public void closeAll(EventLoopGroup connectionLoops) {
        // a connection accepted just before the listener closed is set up by a task already queued on
        // its loop: let every loop run what it has queued so that none is missed
        for (EventExecutor loop : connectionLoops) {
            if (!loop.isShuttingDown() && !loop.inEventLoop()) {
                loop.submit(() -> { }).awaitUninterruptibly();
            }
        }
        channels.close().awaitUninterruptibly();
    }
}
