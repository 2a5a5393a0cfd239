package io.basalt.engine.iscsi.text;

/** One {@code key=value} pair of a text or login data segment (RFC 7143 6.1). */
public record KeyValue(String key, String value) {
}
