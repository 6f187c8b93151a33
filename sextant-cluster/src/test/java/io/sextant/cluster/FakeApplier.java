package io.sextant.cluster;

import com.fasterxml.jackson.databind.node.BooleanNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** An in-memory peer: collections by name, aliases, and the commands it executed. */
final class FakeApplier implements MetadataApplier {
    final Set<String> collections = new TreeSet<>();
    final Map<String, String> aliases = new TreeMap<>();
    final List<MetadataCommand> executed = new ArrayList<>();

    @Override
    public MetadataResult apply(MetadataCommand c) {
        executed.add(c);
        switch (c.type()) {
            case CREATE_COLLECTION -> {
                if (!collections.add(c.collection())) {
                    return MetadataResult.failed("CONFLICT", "Collection `" + c.collection() + "` already exists!");
                }
            }
            case DELETE_COLLECTION -> {
                boolean existed = collections.remove(c.collection());
                aliases.values().removeIf(c.collection()::equals);
                return MetadataResult.ok(BooleanNode.valueOf(existed));
            }
            case UPDATE_ALIASES ->
                c.body().path("actions").forEach(a -> {
                    if (a.has("create_alias")) {
                        aliases.put(
                                a.get("create_alias").path("alias_name").asText(),
                                a.get("create_alias").path("collection_name").asText());
                    } else if (a.has("delete_alias")) {
                        aliases.remove(a.get("delete_alias").path("alias_name").asText());
                    }
                });
            default -> {
                if (!collections.contains(c.collection())) {
                    return MetadataResult.failed("NOT_FOUND", "Collection `" + c.collection() + "` doesn't exist!");
                }
            }
        }
        return MetadataResult.ok(BooleanNode.TRUE);
    }

    @Override
    public Set<String> localCollections() {
        return Set.copyOf(collections);
    }

    @Override
    public Map<String, String> localAliases() {
        return Map.copyOf(aliases);
    }
}
