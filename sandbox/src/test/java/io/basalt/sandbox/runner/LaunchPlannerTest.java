package io.basalt.sandbox.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.sandbox.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchPlannerTest {

    private static final String NAMESPACE = "basalt-system";
    private static EmbeddedApiServer api;

    @TempDir
    Path nodes;

    @BeforeAll
    static void startApi() {
        api = EmbeddedApiServer.start();
        api.client().secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName("vol1-chap").endMetadata()
                .addToData("username", base64("vol1")).addToData("password", base64("s3cret-s3cret"))
                .build()).create();
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @Test
    void theContainerCommandRunsWithTheLocalJavaAndTheLocalCopyOfTheImagesJar() throws Exception {
        ContainerLaunch launch = planner().plan(pod("java", "-Xmx128m", "-jar", "/opt/basalt/basalt-engine.jar"),
                "p", "node-a", "127.9.9.9");

        assertThat(launch.command()).startsWith("/jdk/bin/java", "-Xmx128m", "-jar", "/build/basalt-engine.jar");
    }

    @Test
    void wildcardListenAddressesAreNarrowedToThePodsAddress() throws Exception {
        ContainerLaunch launch = planner().plan(pod("java", "-jar", "/opt/basalt/basalt-engine.jar"),
                "p", "node-a", "127.9.9.9");

        assertThat(launch.command()).containsSubsequence("--listen", "127.9.9.9:9500")
                .containsSubsequence("--mgmt", "127.9.9.9:9501");
    }

    @Test
    void aHostPathMountIsTheNodesDirectoryInArguments() throws Exception {
        ContainerLaunch launch = planner().plan(pod("java", "-jar", "/opt/basalt/basalt-engine.jar"),
                "p", "node-b", "127.9.9.9");

        assertThat(launch.command()).containsSubsequence("--dir",
                nodes.resolve("node-b/var/lib/basalt/pool").toString());
        assertThat(nodes.resolve("node-b/var/lib/basalt/pool")).isDirectory();
    }

    @Test
    void secretKeyReferencesAreResolvedIntoTheEnvironment() throws Exception {
        ContainerLaunch launch = planner().plan(pod("java", "-jar", "/opt/basalt/basalt-engine.jar"),
                "p", "node-a", "127.9.9.9");

        assertThat(launch.environment()).containsEntry("BASALT_CHAP_USER", "vol1")
                .containsEntry("BASALT_CHAP_SECRET", "s3cret-s3cret")
                .containsEntry("LEVEL", "debug");
    }

    @Test
    void aMissingSecretIsACreateContainerConfigErrorNamingIt() {
        PodSpec pod = new PodSpecBuilder(pod("java", "-jar", "/opt/basalt/basalt-engine.jar"))
                .editFirstContainer().addNewEnv().withName("X").withNewValueFrom().withNewSecretKeyRef()
                .withName("nope").withKey("k").endSecretKeyRef().endValueFrom().endEnv().endContainer().build();

        assertThatThrownBy(() -> planner().plan(pod, "p", "node-a", "127.9.9.9"))
                .isInstanceOfSatisfying(LaunchException.class, e ->
                        assertThat(e.reason()).isEqualTo("CreateContainerConfigError"))
                .hasMessageContaining("Secret nope key k does not exist");
    }

    @Test
    void aContainerThatIsNotJavaIsRefused() {
        assertThatThrownBy(() -> planner().plan(pod("/bin/sh", "-c", "true"), "p", "node-a", "127.9.9.9"))
                .isInstanceOfSatisfying(LaunchException.class, e -> assertThat(e.reason()).isEqualTo("Unsupported"))
                .hasMessageContaining("runs /bin/sh");
    }

    private LaunchPlanner planner() {
        return new LaunchPlanner(api.client(), NAMESPACE, "/jdk/bin/java",
                Map.of("/opt/basalt/basalt-engine.jar", Path.of("/build/basalt-engine.jar")), new NodeDirectories(nodes));
    }

    private static PodSpec pod(String... command) {
        return new PodSpecBuilder()
                .addNewContainer().withName("pool").withCommand(command)
                    .withArgs("pool", "--dir", "/var/lib/basalt/pool", "--listen", "0.0.0.0:9500",
                            "--mgmt", "0.0.0.0:9501")
                    .addNewEnv().withName("BASALT_CHAP_USER").withNewValueFrom().withNewSecretKeyRef()
                        .withName("vol1-chap").withKey("username").endSecretKeyRef().endValueFrom().endEnv()
                    .addNewEnv().withName("BASALT_CHAP_SECRET").withNewValueFrom().withNewSecretKeyRef()
                        .withName("vol1-chap").withKey("password").endSecretKeyRef().endValueFrom().endEnv()
                    .addNewEnv().withName("LEVEL").withValue("debug").endEnv()
                    .addNewVolumeMount().withName("pool").withMountPath("/var/lib/basalt/pool").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("pool").withNewHostPath().withPath("/var/lib/basalt/pool").endHostPath()
                    .endVolume()
                .build();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
