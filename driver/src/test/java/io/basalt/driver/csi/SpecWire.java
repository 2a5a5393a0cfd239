package io.basalt.driver.csi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protobuf wire format by hand, from field numbers and wire types alone, so tests can build
 * messages the way the CSI specification defines them without going through our generated code.
 */
final class SpecWire {

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static SpecWire message() {
        return new SpecWire();
    }

    SpecWire varint(int field, long value) {
        tag(field, VARINT);
        writeVarint(value);
        return this;
    }

    SpecWire string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    SpecWire message(int field, SpecWire nested) {
        return bytes(field, nested.toBytes());
    }

    /** A map entry: maps are repeated messages with the key in field 1 and the value in field 2. */
    SpecWire mapEntry(int field, String key, String value) {
        return message(field, message().string(1, key).string(2, value));
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    private SpecWire bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        writeVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    private void tag(int field, int wireType) {
        writeVarint(((long) field << 3) | wireType);
    }

    private void writeVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
