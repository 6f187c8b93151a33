/**
 * The collection layer: {@link io.sextant.collection.TableOfContents} (all collections of a node
 * and their aliases) and {@link io.sextant.collection.Collection} (config + shards + queries).
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>Storage layout: {@code <storage>/collections/<name>/config.json} and {@code
 *       .../shards/<i>/}; {@code <storage>/aliases.json}. config.json is written last, so a
 *       directory without it is an interrupted creation and is removed on start. Deleted
 *       collections are moved to {@code <storage>/.deleted/} before removal.
 *   <li>Point ids are routed to shards by {@link io.sextant.collection.ShardRouter} (fixed hash).
 *   <li><b>Custom sharding</b> ({@code sharding_method: custom}): the collection opens no shards of
 *       its own; {@link io.sextant.collection.ShardKeyTable} ({@code shard_keys.json}, written
 *       before config.json on create) lists its shard keys, each with its shard ids, handed out in
 *       order and never reused (so a dropped key's ids stay unused, and every cluster peer that
 *       applies the same key creations derives the same ids). {@link
 *       io.sextant.collection.ShardLayout} groups the open shards for routing: one group for auto
 *       sharding, one per key for custom. A request's {@code shard_key} selector becomes a view of
 *       the collection ({@link io.sextant.collection.Collection#scoped}) that sees only those
 *       groups; everything below (query engine, scroll merge, facets) is unchanged and simply sees
 *       fewer shards. Why a view and not a selector parameter on every method: the query engine
 *       reads through its {@code QueryTarget} from many places (prefetches, example lookups,
 *       groups), and a view scopes all of them at once. A write on a custom collection without a
 *       key is refused (Qdrant's "Shard key not specified"); payload index changes go to every
 *       shard and are also kept in the key table, so a later key's shards get them.
 *   <li>Deleting a collection also deletes its aliases; creating an alias whose name exists
 *       replaces it (as Qdrant); alias names may not shadow collection names and vice versa.
 *   <li>A PATCH's {@code metadata} is merged key by key; a key set to JSON null is removed.
 *   <li>The outer query's filter is AND-ed into every prefetch (so fusion and re-scoring never
 *       see points the outer filter rejects).
 * </ul>
 */
package io.sextant.collection;
