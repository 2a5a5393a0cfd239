package io.basalt.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** crds/ is what users apply, so it must be exactly what the build generates from the classes. */
class CrdsAreCurrentTest {

    private static final String REFRESH = "crds/ is stale: refresh it with ./mvnw -pl api -Pupdate-crds process-classes";

    private final Path checkedIn = Path.of(System.getProperty("basalt.crds.checkedIn"));
    private final Path generated = Path.of(System.getProperty("basalt.crds.generated"));

    @Test
    void checkedInCrdsAreTheGeneratedOnes() throws IOException {
        assertThat(fileNames(checkedIn)).as(REFRESH).isEqualTo(fileNames(generated));
    }

    @Test
    void everyCheckedInCrdHasTheGeneratedContent() throws IOException {
        for (String name : fileNames(generated)) {
            assertThat(Files.readString(checkedIn.resolve(name)))
                    .as(REFRESH + " (" + name + ")")
                    .isEqualTo(Files.readString(generated.resolve(name)));
        }
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
        }
    }
}
