package io.basalt.engine.replica.store;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The text form of metadata files: one {@code key=value} a line, keys sorted, so that files are
 * readable by an operator with a shell and byte-identical for identical content.
 */
final class MetadataText {

    private final String source;
    private final Properties values;

    private MetadataText(String source, Properties values) {
        this.source = source;
        this.values = values;
    }

    static byte[] encode(Map<String, String> entries) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(entries).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static MetadataText parse(byte[] content, String source) throws CorruptMetadataException {
        Properties values = new Properties();
        try {
            values.load(new StringReader(new String(content, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptMetadataException(source, "unreadable: " + e.getMessage());
        }
        return new MetadataText(source, values);
    }

    String text(String key) throws CorruptMetadataException {
        String value = values.getProperty(key);
        if (value == null) {
            throw new CorruptMetadataException(source, "missing '" + key + "'");
        }
        return value;
    }

    String optionalText(String key) {
        return values.getProperty(key);
    }

    long number(String key) throws CorruptMetadataException {
        String value = text(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CorruptMetadataException(source, "'" + key + "' is not a number: " + value);
        }
    }
}
