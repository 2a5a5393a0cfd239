package io.basalt.engine.iscsi.text;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes {@code key=value} pairs, each ended by a NUL byte, in UTF-8 (RFC 7143 6.1). */
public final class KeyValueCodec {

    private KeyValueCodec() {
    }

    public static List<KeyValue> decode(ByteBuf text) throws TextFormatException {
        String all = text.toString(text.readerIndex(), text.readableBytes(), StandardCharsets.UTF_8);
        List<KeyValue> pairs = new ArrayList<>();
        for (String pair : all.split("\0")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new TextFormatException("not a key=value pair: " + abbreviate(pair));
            }
            pairs.add(new KeyValue(pair.substring(0, equals), pair.substring(equals + 1)));
        }
        return pairs;
    }

    public static ByteBuf encode(ByteBufAllocator alloc, List<KeyValue> pairs) {
        ByteBuf out = alloc.buffer();
        for (KeyValue pair : pairs) {
            out.writeCharSequence(pair.key(), StandardCharsets.UTF_8);
            out.writeByte('=');
            out.writeCharSequence(pair.value(), StandardCharsets.UTF_8);
            out.writeByte(0);
        }
        return out;
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
