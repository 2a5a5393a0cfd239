package io.basalt.engine.replica.store;

import java.util.HashMap;
import java.util.Map;

/**
 * A layer's persistent identity: the replica that created it (whose space it counts as), the
 * layer it lies on (null for a base layer) and the generation of its data and map files, which
 * changes when a merge hands the layer a different data file.
 */
record LayerMeta(String owner, String parent, long generation) {

    byte[] encode() {
        Map<String, String> entries = new HashMap<>();
        entries.put("owner", owner);
        entries.put("generation", Long.toString(generation));
        if (parent != null) {
            entries.put("parent", parent);
        }
        return MetadataText.encode(entries);
    }

    static LayerMeta decode(byte[] content, String source) throws CorruptMetadataException {
        MetadataText text = MetadataText.parse(content, source);
        return new LayerMeta(text.text("owner"), text.optionalText("parent"), text.number("generation"));
    }

    LayerMeta withParent(String newParent) {
        return new LayerMeta(owner, newParent, generation);
    }
}
