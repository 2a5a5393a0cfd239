package io.basalt.driver.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandTest {

    @Test
    void displayMasksSecretArgumentsOnly() {
        Command command = Command.builder("iscsiadm").args("-n", "node.session.auth.password", "-v")
                .secretArg("hunter2hunter2").build();

        assertThat(command.display()).isEqualTo("iscsiadm -n node.session.auth.password -v ******");
        assertThat(command.toString()).isEqualTo(command.display());
        assertThat(command.argv()).endsWith("hunter2hunter2");
    }

    @Test
    void maskHidesSecretsInsideOutputToo() {
        Command command = Command.builder("iscsiadm").secretArg("hunter2hunter2").build();

        assertThat(command.mask("bad value hunter2hunter2 given")).isEqualTo("bad value ****** given");
    }
}
