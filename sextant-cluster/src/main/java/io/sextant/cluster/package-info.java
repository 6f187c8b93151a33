/**
 * Cluster mode on Apache Ratis (no home-made Raft, leader election or failure detector).
 *
 * <h2>What this slice does</h2>
 *
 * <ul>
 *   <li><b>Peers.</b> Every peer runs a Ratis server (gRPC transport) on the p2p port ({@code
 *       cluster.p2p.port}, 6335) and belongs to one Raft group, the <i>metadata group</i> ({@link
 *       ClusterNode#GROUP_ID}). Peer ids are random u64s kept in {@code <storage>/cluster/peer_id}.
 *       The first peer (no {@code --bootstrap}) forms a one-peer group. A new peer started with
 *       {@code --bootstrap URI} starts its Ratis server with an empty configuration, asks the peer at
 *       URI for the group's members through Ratis's group-info admin call on that p2p port (the
 *       internal join call: no extra service or port), then calls Ratis's {@code setConfiguration}
 *       with itself added; the Ratis client forwards it to the leader, which streams the log to the
 *       newcomer. Raft log and snapshots live in {@code <storage>/cluster/raft} and recover after
 *       kill -9 (Ratis's segmented log; the restarted peer ignores {@code --bootstrap}).
 *   <li><b>Metadata consensus.</b> Log entries are {@link MetadataCommand}s: create, update and
 *       delete collection, alias batches, create and delete payload index, carrying the request
 *       body in Qdrant's REST wire form. The {@link MetadataStateMachine} applies each committed
 *       entry on every peer through a {@link MetadataApplier} (the server's {@code
 *       MetadataExecutor}, the same code a standalone node runs), exactly once across restarts
 *       ({@link MetadataStore}). The proposer gets the leader's result and returns once it has
 *       applied the entry itself, so a collection created through any peer is visible there at
 *       once and on the others within a heartbeat. Snapshots hold the {@link MetadataLedger}
 *       (the live collections' command histories and the alias table); a lagging peer that is sent
 *       one reconciles its collections with it.
 *       <p>Why the REST body, a deviation from "wire types stay in the API layer": this module only
 *       carries it as an opaque JSON tree (it never reads its fields); the server's converters turn
 *       it into domain types when a peer applies it, so validation and defaults are the standalone
 *       node's, written once. The price is that the log encoding follows Qdrant's REST request
 *       shape; entries are versioned ({@code "v"}), and the shard-placement slice will move the log
 *       to domain commands with their own codec once entries carry more than client requests.
 *   <li><b>Remote shards (building block).</b> Package {@link io.sextant.cluster.shard}: a peer can
 *       call a shard that lives on another peer. {@link io.sextant.cluster.shard.ShardService} is an
 *       internal gRPC service, {@code sextant.internal.Shard}, with one unary method per data call
 *       of {@code Shard} (Update, Search, SparseStats, Retrieve, Scroll, Count, Info), addressed by
 *       (collection name, shard id) and answered from a {@link
 *       io.sextant.cluster.shard.LocalShardLookup} the server supplies ({@link
 *       ClusterNode#start(ClusterSettings, String, java.nio.file.Path, MetadataApplier,
 *       io.sextant.cluster.shard.LocalShardLookup)}; the older overload serves no shards, so calls get
 *       "not found"). {@link io.sextant.cluster.shard.RemoteShard} implements {@code Shard} by
 *       forwarding each call over one shared channel per peer ({@link
 *       io.sextant.cluster.shard.PeerChannels}) with a deadline per call kind (default 30 s). A
 *       remote {@code UserException} arrives as the same kind with the same message (so REST
 *       answers the same 4xx); a missing collection or shard is not found; any other failure, an
 *       unreachable peer or a missed deadline is a {@code ServiceException} naming the peer, the
 *       call and the shard. {@code updateConfig}/{@code changeVectors} are not forwarded (every peer
 *       applies configuration from the metadata log to its own shards) and closing a {@code
 *       RemoteShard} closes nothing remote.
 *       <p><b>Wire format:</b> messages are raw bytes, not protobuf: a version byte, then the
 *       collection, the shard id and the call's body; documented byte by byte in {@link
 *       io.sextant.cluster.shard.ShardCall} (envelope), {@link io.sextant.cluster.shard.ShardCalls}
 *       (bodies per method), {@code PointOperationWire}, {@code QueryWire} and {@code ResultWire} (in
 *       that package), and, for the pure domain type, {@code io.sextant.segment.codec.FilterCodec}
 *       in sextant-segment (every condition and match kind, its own version byte), built on the
 *       shared {@code BinaryWriter}/{@code BinaryReader} there. The WAL's {@code OperationCodec}
 *       cannot carry filter selectors or conditional upserts, so the wire has its own operation
 *       layout and reuses only its index-spec JSON. Errors travel as gRPC statuses (the user error's
 *       kind in a trailer), not in the bytes.
 *       <p><b>Transport:</b> the service is added to the gRPC server Ratis already runs on the p2p
 *       port, through Ratis 3.2's {@code GrpcServices.Customizer} ({@code
 *       GrpcConfigKeys.Server.setServicesCustomizer}), with the shaded grpc of ratis-thirdparty and
 *       {@code MethodDescriptor}s whose marshaller passes bytes through: no extra port, no protoc, no
 *       clash with the server's own grpc-java, and one address per peer for both Raft and shard
 *       calls. Ratis caps inbound messages on that port ({@code raft.grpc.message.size.max}); the
 *       client accepts responses up to 256 MiB.
 *   <li><b>Not replicated yet:</b> point data. Each peer holds a full local copy of every
 *       collection's shards, and points written through one peer stay on that peer. gRPC
 *       collection management ({@code Collections/Create} …) still acts on the local node only.
 * </ul>
 *
 * <h2>Plan for the next slices</h2>
 *
 * <ol>
 *   <li><b>Shard placement in the metadata group.</b> Collection creation gains a placement step
 *       decided by the leader when it proposes (shard_number × replication_factor spread over the
 *       peers, fewest replicas first) and stored in the command, so every peer applies the same
 *       placement. Replica states (Active, Dead, Partial, Initializing, Listener, Recovery) are
 *       metadata entries too. Shard keys ({@code sharding_method: custom}) are metadata entries.
 *   <li><b>Replica sets without per-shard Raft groups.</b> Point writes are too hot for a Raft log
 *       per shard on top of each shard's own WAL. As Qdrant does, a write goes to every Active
 *       replica of its shard over the internal gRPC service (a new service on the p2p port added
 *       through Ratis's {@code GrpcServices.Customizer}, or a separate internal port), ordered by
 *       {@code ordering} (weak: any replica; medium: the shard's current leader replica; strong:
 *       the replica set's first Active peer in placement order) and acknowledged after {@code
 *       write_consistency_factor} replicas. A replica that misses a write is marked Dead by a
 *       metadata entry (agreement through the metadata group, failure detection from Ratis's
 *       follower liveness and failed internal calls), then repaired by shard transfer.
 *   <li><b>Remote shards and fan-out.</b> A collection's shard holder gets {@code RemoteShard}s
 *       (built, see above) next to local ones; reads fan out with {@code consistency}, {@code read_fan_out_factor}
 *       and {@code read_fan_out_delay_ms}.
 *   <li><b>Shard transfer.</b> stream_records, snapshot and wal_delta (the WAL suffix after the
 *       receiver's last sequence number), throttled and resumable, driven by metadata entries
 *       (start, progress, finish, abort) so a leader change does not lose a transfer.
 * </ol>
 */
package io.sextant.cluster;
