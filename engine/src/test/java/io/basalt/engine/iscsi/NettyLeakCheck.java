package io.basalt.engine.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Tracks every ByteBuf (PARANOID leak detection) while a test class runs and fails it when Netty
 * reports a buffer that was garbage collected without being released.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {

    private final ListAppender<ILoggingEvent> reports = new ListAppender<>();
    private final Logger detectorLog = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        reports.start();
        detectorLog.addAppender(reports);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        // Leaks are reported when the detector next tracks a buffer after the leaked one was collected.
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(20);
            Unpooled.buffer(1).release();
            PooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        detectorLog.detachAppender(reports);
        assertThat(reports.list).extracting(ILoggingEvent::getFormattedMessage)
                .as("ByteBufs leaked by %s", context.getDisplayName())
                .noneMatch(message -> message.contains("LEAK"));
    }
}
