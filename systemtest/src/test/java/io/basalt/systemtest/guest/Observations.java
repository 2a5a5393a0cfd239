package io.basalt.systemtest.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the scenario saw, by name, written to a JSON file after every entry so that the host test
 * has everything up to the point where a run failed.
 */
final class Observations {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Map<String, Object> entries = new LinkedHashMap<>();

    Observations(Path file) {
        this.file = file;
    }

    void put(String name, Object value) {
        entries.put(name, value);
        System.out.println("observed " + name + " = " + value);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), entries);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write observations to " + file, e);
        }
    }
}
