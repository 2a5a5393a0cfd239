package io.basalt.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class CompilerDirectivesTest {

    @Test
    void theVmTakesTheDirectiveThatKeepsC2AwayFromNettysContendedRelease() throws Exception {
        CompilerDirectives.apply();

        String installed = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        assertThat(installed).contains("ReferenceCountUpdater.retryRelease0");
    }
}
