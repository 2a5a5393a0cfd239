package io.basalt.engine;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the JIT's optimizing compiler away from methods it is known to crash on, for every way the
 * engine is started (pods, scripts, tests) without relying on JVM flags each launcher must repeat.
 *
 * <p>Temurin 25.0.3's C2 dies with SIGSEGV in {@code Compile::final_graph_reshaping_walk} while
 * compiling Netty's {@code ReferenceCountUpdater.retryRelease0}, the path taken when threads release
 * a shared buffer at the same moment; the replicated target takes it under load. The directive keeps
 * that method at C1, which costs nothing measurable on a path this rare.
 */
final class CompilerDirectives {

    private static final Logger LOG = LoggerFactory.getLogger(CompilerDirectives.class);
    private static final String RESOURCE = "compiler-directives.json";

    private CompilerDirectives() {
    }

    /** Adds the directives through the VM's diagnostic command; a VM without it runs on unchanged. */
    static void apply() {
        Path file = null;
        try (InputStream directives = CompilerDirectives.class.getResourceAsStream(RESOURCE)) {
            file = Files.createTempFile("basalt-compiler-directives", ".json");
            Files.copy(directives, file, StandardCopyOption.REPLACE_EXISTING);
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
        } catch (IOException | JMException | RuntimeException e) {
            LOG.warn("compiler directives not applied: {}", kv("reason", String.valueOf(e.getMessage())));
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.debug("temporary directives file left behind: {}", kv("path", file));
                }
            }
        }
    }
}
