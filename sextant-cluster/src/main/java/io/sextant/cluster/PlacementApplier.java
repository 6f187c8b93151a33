package io.sextant.cluster;

/**
 * A {@link MetadataApplier} that keeps the {@link PlacementBook} in step with the collections: a
 * create that carries a placement records it before the collection is created (the shard factory
 * reads it then), and after every command the placements of collections that do not exist (deleted,
 * or a create that failed) are forgotten. A create of a name that already has a recorded placement
 * leaves that placement alone (it fails as a conflict); a create that meets a collection without
 * one (created here before a crash let the book record it) records it. Called on the state
 * machine's apply thread, like the applier it wraps.
 */
public final class PlacementApplier extends ForwardingApplier {

    private final PlacementBook book;

    public PlacementApplier(MetadataApplier delegate, PlacementBook book) {
        super(delegate);
        this.book = book;
    }

    @Override
    public MetadataResult apply(MetadataCommand command) {
        if (command.type() == MetadataCommand.Type.CREATE_SHARD_KEY && command.placement() != null) {
            return createShardKey(command);
        }
        if (command.type() == MetadataCommand.Type.CREATE_COLLECTION
                && command.placement() != null
                && book.get(command.collection()) == null) {
            book.put(command.collection(), command.placement());
        }
        MetadataResult result = delegate.apply(command);
        book.retainOnly(delegate.localCollections());
        return result;
    }

    /**
     * A new shard key: its shards' placement is appended to the collection's (recorded before the
     * shards open, as for a create), and put back as it was when the key is refused (an existing key,
     * an auto-sharded collection), so shard ids and placement entries stay aligned.
     */
    private MetadataResult createShardKey(MetadataCommand command) {
        ShardPlacement before = book.get(command.collection());
        book.put(command.collection(), before == null ? command.placement() : before.plus(command.placement()));
        MetadataResult result = delegate.apply(command);
        if (!result.succeeded()) {
            if (before == null) {
                book.remove(command.collection());
            } else {
                book.put(command.collection(), before);
            }
        }
        book.retainOnly(delegate.localCollections());
        return result;
    }
}
