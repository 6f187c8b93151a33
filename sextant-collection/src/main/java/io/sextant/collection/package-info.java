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
 *   <li>Deleting a collection also deletes its aliases; creating an alias whose name exists
 *       replaces it (as Qdrant); alias names may not shadow collection names and vice versa.
 *   <li>A PATCH's {@code metadata} is merged key by key; a key set to JSON null is removed.
 *   <li>The outer query's filter is AND-ed into every prefetch (so fusion and re-scoring never
 *       see points the outer filter rejects).
 * </ul>
 */
package io.sextant.collection;
