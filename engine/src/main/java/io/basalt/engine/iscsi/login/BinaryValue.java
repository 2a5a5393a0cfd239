package io.basalt.engine.iscsi.login;

import java.util.Base64;
import java.util.HexFormat;

/** Binary key values: {@code 0x} hexadecimal or {@code 0b} base64 (RFC 7143 6.1). */
public final class BinaryValue {

    private BinaryValue() {
    }

    /** Decodes a binary value, or returns {@code null} when it is malformed. */
    public static byte[] decode(String value) {
        try {
            if (value.length() > 2 && (value.startsWith("0x") || value.startsWith("0X"))) {
                String hex = value.substring(2);
                return HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : "0" + hex);
            }
            if (value.length() > 2 && (value.startsWith("0b") || value.startsWith("0B"))) {
                return Base64.getDecoder().decode(value.substring(2));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    public static String hex(byte[] value) {
        return "0x" + HexFormat.of().formatHex(value);
    }
}
