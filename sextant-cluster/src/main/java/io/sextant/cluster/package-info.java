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
 *       in {@code ADD} mode with itself (the leader adds it to the configuration current when it
 *       applies the call, so peers joining at once do not overwrite each other); the Ratis client
 *       forwards it to the leader, which streams the log to the newcomer. Removing a peer is a
 *       compare-and-set against the members read, so it never drops a peer that joined meanwhile. Raft log and snapshots live in {@code <storage>/cluster/raft} and recover after
 *       kill -9 (Ratis's segmented log; the restarted peer ignores {@code --bootstrap}).
 *   <li><b>Metadata consensus.</b> Log entries are {@link MetadataCommand}s: create, update and
 *       delete collection, alias batches, create and delete payload index, carrying the request
 *       body in Qdrant's REST wire form. The {@link MetadataStateMachine} applies each committed
 *       entry on every peer through a {@link MetadataApplier} (the server's {@code
 *       MetadataExecutor}, the same code a standalone node runs), exactly once across restarts
 *       ({@link MetadataStore}). The proposer gets the leader's result and returns once it has
 *       applied the entry itself. A change a client makes (collections, aliases, payload indexes:
 *       the server's {@code MetadataGate}) then also waits until every other reachable peer has
 *       applied it ({@link PeerApplyWait}: their applied index through Ratis's group-info call,
 *       best effort, at most 10 s), so a collection created through peer 1 has its shards on
 *       every peer before the client's next call reaches them, and a delete is done everywhere
 *       before a create of the same name (without it, a write right after a re-create could land
 *       in the old collection on a peer that had not applied the delete yet). Snapshots hold the {@link MetadataLedger}
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
 *       <p><b>Authentication of the internal API:</b> when the node has {@code service.api_key},
 *       every shard-service call must carry the header {@code x-sextant-peer-token}; a call without
 *       it or with a wrong one is closed with {@code UNAUTHENTICATED} by a server interceptor
 *       ({@code PeerCredentialCheck}) before its request is read, so it reaches no shard. Peers of
 *       one cluster share the API key (as in Qdrant), and the token is derived from it: lowercase
 *       hex of HMAC-SHA256 keyed with the API key over the fixed text {@code "sextant internal shard
 *       api v1"} ({@link io.sextant.cluster.shard.PeerCredential}); {@code PeerChannels} attaches
 *       it to every call. Why a derived token and not the key itself: the p2p link is plaintext, and
 *       the key opens the whole client API with full rights, while the token opens only the p2p
 *       port. Why not a per-call MAC: it would still be replayable without a nonce store, and TLS is
 *       the real fix for an observable link; until then the token is a static bearer credential,
 *       and a node without an API key keeps an open p2p port, as before. A refused call surfaces
 *       at the caller as a service error naming the peer (a misconfigured cluster, not a client
 *       mistake).
 *       <p><b>Raft's own RPCs are not authenticated</b> (append entries, votes, snapshots, and the
 *       Ratis client and admin calls used to join, change the configuration and submit metadata
 *       entries). Checked against Ratis 3.2.1: the server side could be covered, since {@code
 *       GrpcServices.Customizer} receives the {@code NettyServerBuilder} of the p2p port and {@code
 *       builder.intercept(...)} would apply to Ratis's services too; but nothing on the client side
 *       could send the token. {@code GrpcServerProtocolClient} (peer to peer) and {@code
 *       GrpcClientProtocolClient} (Ratis client, admin) build their channels inside Ratis with
 *       {@code NettyChannelBuilder.forTarget}, configured only by {@code GrpcConfigKeys} properties
 *       and {@code GrpcTlsConfig}: there is no hook for a {@code ClientInterceptor}, call
 *       credentials or extra headers. Requiring the token on Raft methods would therefore make
 *       every peer refuse every other peer's heartbeats and votes. So Raft traffic is protected
 *       by transport instead: with {@code cluster.p2p.enable_tls} (Qdrant's key) the p2p port
 *       speaks only mutual TLS ({@link PeerTls}, {@link PeerTlsContexts}: Ratis's {@code
 *       GrpcTlsConfig} for its server, its peer-to-peer client and the Ratis client and admin calls
 *       this node makes; the shard service runs on the same server, and {@code PeerChannels} dials
 *       it with a client context of Ratis's shaded Netty). Every peer presents the node's {@code
 *       tls.cert}/{@code tls.key} and accepts only certificates that chain to {@code tls.ca_cert},
 *       as Qdrant's internal TLS does; a peer is dialled by its {@code --uri} host, which its
 *       certificate must name. Without that key the p2p port stays plaintext, and anyone who
 *       reaches it can speak Raft to it (e.g. propose metadata entries through a Ratis client),
 *       but cannot call the shard service to read or write points without the token. Tested by
 *       the server's {@code ClusterTlsTest} (two peers join and replicate over TLS; plaintext and
 *       foreign-CA clients are refused).
 *   <li><b>Shard placement (slice 3).</b> When a collection is created in cluster mode, the
 *       <i>proposing</i> peer completes the create before it enters the log (server's {@code
 *       MetadataGate.consensus}): a missing {@code shard_number} becomes the number of peers
 *       (Qdrant's default in a cluster; explicit values are kept), written into the body; and it
 *       computes the {@link ShardPlacement} over the current Raft members ({@link
 *       ShardPlacement#plan}: peers in unsigned id order form a ring, replicas are dealt round it
 *       from a start derived from the collection name, so a shard's replicas are distinct, the
 *       replication factor is capped at the peer count and every peer gets the same number of
 *       replicas ±1, primaries spread too). The placement travels in the create command ({@link
 *       MetadataCommand} log entry version 2, written only when a placement is present), so every
 *       peer applies the same one, and the ledger (snapshots) keeps it. Why the proposer and not
 *       the state machine: the peers' views of the Raft configuration at apply time can differ
 *       (configuration entries take effect when appended), a value decided once and logged cannot.
 *       Each peer keeps its placements in {@link PlacementBook} ({@code cluster/placements.json},
 *       versioned), recorded by the {@link PlacementApplier} before the collection is created and
 *       read when the table of contents opens collections at start (before Raft runs). A standalone
 *       node has no placements and is exactly as before; a collection without a placement (made
 *       before cluster mode) keeps plain local shards, a full copy on each peer.
 *   <li><b>Replica sets (slice 3).</b> Package {@link io.sextant.cluster.replica}: in cluster mode
 *       the server's shard factory ({@link io.sextant.cluster.replica.ClusterShardFactory}) gives
 *       each shard of a placed collection a {@link io.sextant.cluster.replica.ReplicaSet}: the
 *       local replica (a {@code LocalShard}, whose directory exists only on the peers that hold
 *       one) and the other replicas through {@code RemoteShard}s. Writes go to the shard's
 *       primary, the first replica in placement order that is reachable: it applies the write
 *       locally, then sends it to every other replica through one ordered queue per replica (so
 *       all replicas see the primary's order) and acknowledges once {@code
 *       write_consistency_factor} replicas applied it (capped at the replica count; every replica
 *       is still tried). A peer that is not the primary sends the write there with the new internal
 *       call {@code PrimaryUpdate} ({@link io.sextant.cluster.shard.ShardCalls}); the plain {@code
 *       Update} call means "apply to your replica only". The internal service answers ordinary
 *       calls from the local replicas only (never a replica set, so nothing loops) and {@code
 *       PrimaryUpdate} from the replica sets ({@link io.sextant.cluster.shard.PrimaryWriter}). Reads
 *       use the local replica when there is one, else remote ones (read fan-out, below).
 *       Payload index changes are applied by every peer to its own replicas from the metadata log.
 *       {@code GET /collections/{c}/cluster} shows this peer's local and remote replicas with their
 *       states (below).
 *   <li><b>Replica states (slice 4).</b> Every replica has a {@link ReplicaState} (Qdrant's names:
 *       Active, Dead, Partial, Initializing, Listener, PartialSnapshot, Recovery, Resharding,
 *       ReshardingScaleDown, ActiveRead, ManualRecovery; no entry = Active), changed only by the
 *       metadata log entry {@code set_replica_state} ({@link ReplicaStateChange}: collection, shard
 *       id, peer id, state, optional {@code from_state} precondition; {@link MetadataCommand} format
 *       version 4, written only for this kind, so older kinds stay readable by older binaries). Each
 *       peer applies it through the {@link ReplicaStateApplier} (checked against the placement, so
 *       every peer reaches the same verdict) into its {@link ReplicaStateBook} ({@code
 *       cluster/replica_states.json}, format 1, atomic rewrite; a corrupt file stops the start with
 *       the file's name instead of reading as "all Active"); the {@link MetadataLedger} carries the
 *       states, so a snapshot brings a lagging peer's book up to date. {@link
 *       io.sextant.cluster.replica.ReplicaSet} consults them on every call: reads only from readable
 *       replicas (Active), so Dead and Partial ones serve none; writes go to replicas that receive
 *       writes (Active, Partial, Listener …, never Dead); the primary is the first Active replica in
 *       placement order (and a peer whose own replica is not Active refuses to act as primary).
 *       <p><b>Dead marking.</b> The primary forwards a write to the other replicas in parallel
 *       (one ordered queue each, as before) and now waits for all of them, each bounded by the
 *       internal call deadline; every replica whose forward failed (service error, deadline,
 *       unreachable, or "not found" that persists 3 s — the peer may still be applying the create)
 *       is proposed Dead ({@code from_state} = its current state) and the write is acknowledged only
 *       after that entry was committed and applied on the primary, so an acknowledged write is never
 *       missing from a replica this peer still believes receives writes. When the entry cannot be
 *       committed (no majority) the write fails with a 5xx (the primary's local replica may have
 *       applied it). {@code write_consistency_factor} is capped at the replica count, Dead replicas
 *       counting as failures (as in Qdrant).
 *       <p><b>Forward deadline.</b> The primary waits at most 5 s ({@code
 *       ReplicaSet.FORWARD_DEADLINE_MILLIS}) for the forwards of one write together; a replica that
 *       has not answered by then (a frozen process: SIGSTOP, a long GC pause, a dead link without
 *       RST) counts as a failed forward and is marked Dead before the acknowledgement, so a frozen
 *       peer costs one write per shard at most 5 s instead of the 30 s internal call deadline, and
 *       the invariant above holds. The late forward stays in the replica's ordered queue (and may
 *       still apply), ahead of the delete-all that starts the replica's recovery, so it cannot undo
 *       anything. The primary also stops waiting for a forward as soon as the replica is Dead in its
 *       book (marked by the failure detection below): the Dead entry is then already committed, so
 *       the invariant holds without waiting out the deadline. Forwards still waiting in a replica's
 *       queue when it is Dead are not sent (they were already counted failed; the repair brings
 *       them), so the repair, queued behind them, does not wait for one call per write queued
 *       during the fault. A connection that held data during a network partition stays stuck after
 *       the heal until TCP's next retransmission, whose interval doubles (up to 12.8 s): the shard
 *       channels therefore move to a new connection after a missed deadline and ping their
 *       connections ({@link io.sextant.cluster.shard.PeerChannels}), and the leader drops its Raft
 *       connection to a follower silent on Raft while its shard service answers ({@link
 *       SilentFollowerReconnect}; Ratis's channels have no keepalive). Measured repair times
 *       ({@code bench/results/cluster-failover-reconnect.md}): every replica Active about 1.5 s
 *       after SIGCONT and 5 s after a partition heals (13 s before these reconnects, {@code
 *       cluster-failover-skip.md}). The forward queues and their deadline
 *       are {@link io.sextant.cluster.replica.ReplicaForwarding}; the read side of a replica set
 *       (candidates by state and consistency, fan-out) is {@link
 *       io.sextant.cluster.replica.ReplicaReads}.
 *       <p><b>Failure detection from Ratis ({@link PeerLiveness}).</b> The metadata group's leader
 *       polls Ratis's role info every 500 ms: each follower's {@code lastRpcElapsedTimeMs} (how
 *       long ago it last answered the leader's append-entries or heartbeats). A peer silent for more
 *       than {@code cluster.peer_unresponsive_ms} (default 3000; env {@code
 *       SEXTANT__CLUSTER__PEER_UNRESPONSIVE_MS}) gets every replica of it that receives writes
 *       proposed Dead, with its current state as {@code from_state} (so a replica another primary
 *       already moved is left alone), primaries first. Not during the first timeout of a new leader's
 *       term (its follower records start at its election), not while the leader has heard from no
 *       majority within the timeout (a leader that was frozen or cut off wakes up still leading with
 *       every follower silent; the new leader would commit its proposals), and never the last Active replica of a
 *       shard on an answering peer (a shard without a primary would also have nobody to repair it).
 *       A frozen leader is replaced by Ratis's election (1 to 2 s at the default tick), and the new
 *       leader judges it after its grace. A peer that answers again is repaired by the automatic
 *       recovery below, as after any Dead marking. So a frozen (SIGSTOP) or cut-off peer stops being
 *       a primary and stops costing forwards within about the timeout plus a poll, no matter whether
 *       writes reach it.
 *       <p><b>Writes routed to a primary that becomes Dead.</b> A peer that is not the primary sends
 *       the write with {@code PrimaryUpdate} and waits for the answer, checking its replica state
 *       book every 25 ms: when the primary is marked Dead meanwhile (by the leader's detection, or by
 *       another peer) it cancels the call and sends the write to the next Active replica, which
 *       orders it; with no Dead mark it gives up after twice the forward deadline (10 s: the primary
 *       itself may wait one forward deadline for a frozen replica and then commit its Dead mark),
 *       proposes the primary Dead itself and goes on to the next one. Why the retry is safe: the
 *       abandoned call either never reached the old primary or was applied there only; the old
 *       primary is Dead, so it orders nothing more once it applied that entry (it refuses to act as
 *       primary), and its replica is repaired from the new primary: by {@code wal_delta} when it
 *       holds no write the new primary lacks ("wal_delta across a primary change" below), else by
 *       {@code stream_records}, whose clear removes what it applied alone; point writes are
 *       idempotent, so a write applied by both is harmless.
 *       <p><b>Fencing by log index.</b> Every peer records, per shard, which replica the metadata
 *       log made the primary (the first Active replica in placement order) and the index of the
 *       entry at which it became so ({@link PrimaryTerms}, {@code cluster/primary_terms.json},
 *       kept by the outermost applier {@link PrimaryTermApplier}; every peer applies the same log,
 *       so every peer records the same pairs). A primary orders a write only when its own log names
 *       it (a peer asked to be primary waits up to 1 s for its log to catch up with the caller,
 *       else refuses; a router that finds the primary unreachable marks it Dead first, as its
 *       successor's failed forward would have, unless no other replica of the shard is Active), and every call its forwarding queues make carries
 *       the term read when the write was queued ({@link io.sextant.cluster.shard.PrimaryFence}, the
 *       gRPC header {@code x-sextant-primary-fence}). The receiving peer admits it by {@link
 *       PrimaryFenceCheck}: a term it has not applied yet is admitted (the sender knows more of the
 *       log); a term older than one it already admitted for the shard is refused (its successor
 *       wrote here); otherwise its log must name the sender, with no newer index. A refused forward
 *       is never applied; the sender then does not acknowledge the write, marks no other replica Dead for it
 *       and orders nothing more until its log moves past the refused term. So a primary frozen
 *       (SIGSTOP) while it held forwards in its queues, replaced meanwhile, cannot apply them on
 *       replicas after the new primary's writes when it wakes (test {@code PrimaryFencingTest}:
 *       on the code before, the stale write landed after the new one). Its own replica may hold
 *       writes nobody acknowledged; when it is Dead it is repaired by {@code stream_records}.
 *       A primary whose forward is refused marks its own replica Dead ({@code PrimaryRole.deposed}):
 *       it applied a write nobody acknowledged and the replicas following the new primary never
 *       will, so the new primary repairs it (when the role moves back to the first replica in
 *       placement order, made Active again by a repair, while writes are in flight, the old
 *       primary used to keep such a write while Active). The write may also reach a replica whose
 *       log still named the old primary while another replica refused it: the old primary then
 *       marks each replica that admitted it Dead too, with the condition {@code while_active} (the
 *       entry applies only while one of the refusing replicas is Active, {@link
 *       ReplicaStateChange}), so they are repaired from a replica that holds every acknowledged
 *       write and none of that one (test {@code PrimaryFencingTest}; before, they kept it until
 *       some later transfer). When no refusing replica is Active (it is Partial, being filled), the
 *       admitting replica stays Active, the fill brings the other one up to it. <b>Known gap:</b> a
 *       primary replaced while a forward to a replica timed out (rather than being refused) marks
 *       nobody for it: the replicas that admitted keep the unacknowledged write, and the silent one
 *       may lack it until a transfer to one of them (a silent replica cannot be trusted to serve, so
 *       it is not made the condition of a Dead mark). Limits: an
 *       index is unknown (0) for shards whose primary has not changed since a peer ran a binary
 *       without terms, and after a metadata snapshot's reconcile; then the check compares names
 *       only. The highest admitted term per shard lives in memory. The Dead marks a primary
 *       proposes for failed forwards are fenced too: they carry {@code by_primary} ({@link
 *       ReplicaStateChange}) and apply only while the log still names that peer the shard's
 *       primary, so a primary that wakes up after its forward's deadline passed, before it applied
 *       its own Dead entry, cannot mark its successor Dead (the write then fails, unacknowledged). A minority-side primary never acknowledges: its
 *       forwards fail and the Dead entry it needs before an ack cannot be committed.
 *       <p><b>Known limits:</b> reads that find a replica slow fan out to another one but do not
 *       report it. Two peers that disagree about which replica is reachable no longer each pick a
 *       different primary: only the peer the log names orders writes (fencing above); the other
 *       peers learn a state change within a heartbeat, and a write routed on a stale view to a peer
 *       whose replica is no longer Active fails with a 5xx, except when that peer answers that it is
 *       not the primary ({@link io.sextant.cluster.shard.NotThePrimary}, nothing applied): the router
 *       then waits up to 1 s for its own log to name another primary and routes the write again
 *       (a repair that makes a shard's first replica Active again moves the primary role back to it,
 *       and a router whose log lagged used to fail that write). The forward deadline is not configurable yet. Placement does not change
 *       when peers join or leave. The failure detection also probes every follower's shard service
 *       ({@code Ping}, 1 s deadline, at every poll): a peer whose Raft traffic flows but whose
 *       shard service has not answered for the timeout is judged as a silent one, with the same
 *       guards plus one: nothing is decided while the leader's probes reach no majority (its own
 *       channels may be the broken side). Reads that miss the fan-out delay are still not counted.
 *       <p><b>Placement when peers join or leave.</b> As in Qdrant, a peer that joins gets no
 *       replicas by itself (an operator moves or replicates shards to it: {@code move_shard},
 *       {@code replicate_shard}). A peer leaves with {@code DELETE /cluster/peer/{id}}: refused
 *       while it holds replicas unless {@code force=true}, which first drops each of them through
 *       the log ({@code drop_replica}, the server's {@code PeerRemoval}), so every placement
 *       forgets the peer; refused even with {@code force} while it holds a shard's last Active
 *       replica (Qdrant would leave that shard without a copy). Nothing re-creates the lost
 *       copies elsewhere automatically (no replication-factor repair, as in Qdrant).
 *   <li><b>Read fan-out, read consistency, write ordering.</b> {@code read_fan_out_factor} and
 *       {@code read_fan_out_delay_ms} are collection params (PATCHable, in the info once set, in
 *       the collection's config file, in the metadata log as part of the PATCH body). A read of a
 *       shard ({@link io.sextant.cluster.replica.FanOutRead}) asks readable replicas in preference
 *       order, the local one first, the remote ones shuffled per read (spreads the load, as Qdrant):
 *       {@code required + read_fan_out_factor} at once ({@code read_fan_out_factor} unset: 0 with a
 *       readable local replica, 1 without, Qdrant's automatic value), one more once when none
 *       answered within {@code read_fan_out_delay_ms}, the next one instead of one that failed with
 *       a service error. The first answers win; the losing remote reads' threads are interrupted,
 *       which cancels their internal gRPC calls (a losing local read is left to finish: an
 *       interrupt during {@code FileChannel} I/O would close channels the shard shares). {@code
 *       required} comes from the request's {@code consistency}
 *       ({@link io.sextant.cluster.replica.ReadConsistency}: a number n = min(n, replicas);
 *       {@code quorum} = replicas/2+1; {@code majority} and {@code all} = every replica of the
 *       placement, readable or not, so they fail while one is Dead), and several answers are
 *       merged by {@link io.sextant.cluster.replica.ReplicaAnswers}: points kept when every answer
 *       ({@code majority}: more than half) has them with the same score and payload; a count is the
 *       smallest ({@code majority}: the median). These follow Qdrant's replica-set code, whose
 *       {@code majority}/{@code quorum} differ from its API text. Info, payload schema and sparse
 *       statistics ask one replica. The REST layer binds {@code consistency} and {@code ordering}
 *       to the request's thread ({@link io.sextant.cluster.replica.RequestGuarantees}), and so does
 *       the gRPC server for the {@code read_consistency} and {@code ordering} fields of a request.
 *       <p>Deviation on {@code ordering}: every write of a shard is ordered by its primary (the
 *       first Active replica), which is Qdrant's {@code medium} (a dynamically chosen leader) and
 *       stronger than {@code weak} (any replica applies first); so {@code weak} and {@code medium}
 *       behave alike. {@code strong} (Qdrant's permanent leader) requires the first replica in
 *       placement order to be the primary: when it is not Active or not reachable the write fails
 *       with a 5xx instead of going to the next Active replica.
 *   <li><b>Snapshots in cluster mode.</b> A collection, shard or full snapshot taken through any
 *       peer holds every shard: {@code Shard.captureFiles} captures a local replica's files as a
 *       standalone node does, and a {@link io.sextant.cluster.replica.ReplicaSet} without a readable
 *       local replica asks a peer holding one with the internal call {@code Capture} ({@link
 *       io.sextant.cluster.shard.ShardCaptureWire}: the files in one message, at most 200 MiB per
 *       shard), so the archive has the standalone layout and restores on any node. Shards are then
 *       captured each at its own instant (a standalone node pauses all shards for one instant).
 *       <p><b>Scheduled backups</b> ({@code backup.*}) run only on the peer that leads the metadata
 *       group ({@link ClusterNode#isLeader}, checked at every interval; the server's {@code
 *       SnapshotFeature.backupsOnlyWhen}), so each shard is captured once per interval, from a
 *       readable replica (the leader's own, or a peer's through {@code Capture}), and one node
 *       writes the backup target. Give every peer the same target: after a leader change the new
 *       leader continues the same chain. Around a leader change two peers may both run one
 *       interval's backup (each a complete, valid backup).
 *       <p><b>Recovering a snapshot in cluster mode</b> (checked against Qdrant's {@code
 *       content_manager/snapshots/recover.rs} and {@code recover_shard_snapshot_impl}). {@code PUT
 *       /collections/{c}/snapshots/recover} and {@code POST .../snapshots/upload} on a peer (the
 *       server's {@code ClusterSnapshotRestore}, installed into the {@code SnapshotService} as its
 *       {@code RestoreTarget}) extract and check the archive first, then: a missing collection is
 *       created through the metadata log with the snapshot's config as an ordinary create (a REST
 *       body rebuilt from the config, normal placement over the members; the read fan-out params
 *       are not create fields and are left unset), and, once this peer installed its shards, its
 *       payload indexes (from the installed replicas) as ordinary create-index entries, so every
 *       peer's replicas get them; an existing collection must have the same vectors and the same
 *       {@code shard_number}, else 400 with Qdrant's text ("Snapshot is not compatible with
 *       existing collection: ...") and nothing changes. Then every shard of the snapshot with a
 *       replica on this peer is installed into that replica ({@code ClusterShards.recoverReplica}:
 *       the files are moved to {@code <id>.incoming}, where a {@code snapshot} transfer stages its
 *       files, and swapped in by the same {@link io.sextant.cluster.replica.ReplicaSet#replaceLocal}
 *       code), by priority ({@link io.sextant.cluster.replica.SnapshotRecoveryInstall}). A shard
 *       without a replica here is shipped to the first Active peer holding one (else the first
 *       holder) with {@code InstallChunk} calls into that peer's {@code <id>.incoming}, and that
 *       peer installs it by the same priority rules ({@code RecoverStaged}; {@link
 *       io.sextant.cluster.replica.SnapshotRecoveryInstall#forward}). Qdrant skips such shards,
 *       because its collection snapshot holds only the snapshotting peer's local shards; a Sextant
 *       collection snapshot captures every shard from a replica wherever it lives, so recovering it
 *       on any one peer restores the whole collection (and Qdrant's own snapshot tests pass against
 *       a 3-peer cluster). A shard snapshot ({@code /shards/{s}/snapshots/recover}, {@code upload})
 *       is installed the same way, locally or forwarded. Installs on one peer (its own and forwarded
 *       ones) run one at a time; that lock is never held across a call to another peer. Collections without a placement (made before cluster mode) and backups restored by
 *       a drill stay local restores.
 *       <p><b>The priority rule.</b> {@code snapshot} (the default, as Qdrant): this peer's replica
 *       becomes Active, every other replica of the shard becomes Dead, so this peer is the only
 *       Active replica and therefore the shard's primary (the transfer source of every repair is
 *       the primary, so the data flows from here), and the swap happens under the replica set's
 *       write-order lock together with a reset of the primary's retained history: every write
 *       ordered before the swap is replaced with the old data, every write after it is ordered by
 *       this peer on the snapshot's data, and the automatic recovery repairs the Dead replicas by a
 *       full {@code stream_records} (or {@code snapshot}) transfer of that data, never by a {@code
 *       wal_delta} over their old data (no replica is known complete in the reset history). Writes
 *       that an earlier primary forwards here after the log named this peer the primary are
 *       refused by the fence, so none lands on the installed data unordered, and none is
 *       acknowledged only to be overwritten later: the replicas it reached are Dead and re-filled
 *       from here. Qdrant marks the others Dead only after the install (writes during the install
 *       go to them and are lost when they are re-filled); Sextant moves the write order first, so
 *       no write is lost. Qdrant also removes replicas beyond the replication factor; Sextant's
 *       placement never has more. {@code replica}: when another replica is Active, this peer's
 *       replica is marked Dead and repaired from the primary (the snapshot's data is discarded:
 *       Qdrant installs it and overwrites it by a transfer), else it is installed as with {@code
 *       snapshot}. {@code no_sync}: installed under the write-order lock, no state changes (when
 *       another peer is the primary, a forward arriving during the swap fails, and that primary
 *       marks this replica Dead and repairs it from its own data).
 *       A custom-sharded snapshot's shard keys that the collection lacks are created through the
 *       log first (each with the snapshot's number of shards; a key both have must have as many, else
 *       400), and each snapshot shard is installed into the shard at the same position of the same
 *       key (ids differ when the source had dropped keys).
 *       A transfer recorded into the replica a {@code snapshot}-priority recovery made the source
 *       of truth is ended through the log right after the install (its source is Dead and stops at
 *       its next batch, which the fence refuses; no repair round would end it); a {@code
 *       move_shard}'s end drops its source, as the move asked.
 *       A {@code snapshot} transfer's {@code InstallFinish} admitted by the fence just before the
 *       recovery marked its sender Dead is checked again under the write-order lock, right before
 *       its swap ({@code ReplicaSet.replaceLocal(admit, reopen)}), so it cannot put its files in
 *       after the recovery's (test {@code SnapshotRecoveryInstallTest}).
 *       <p><b>Known limits:</b> Qdrant's {@code ManualRecovery} state is not used (the install
 *       moves the write order instead).
 *   <li><b>Automatic recovery by stream_records transfer (slice 4).</b> {@link
 *       io.sextant.cluster.replica.ReplicaRecovery} runs on every peer (started by the server once
 *       the node is up): every second it looks at the shards whose primary is this peer, and for a
 *       replica that is Dead (or Partial with no transfer running here) on a peer that answers again
 *       it streams the shard there: Partial via consensus (the replica now receives every new
 *       write), a delete of all its points sent in the write order (so stale points it kept from
 *       before it died, deleted meanwhile, do not come back), then the primary's local replica in id
 *       order, in batches of 256 points (ids, every vector, payload) sent as plain upserts through the
 *       internal "apply locally only" call on the same ordered per-replica queue as the writes, each
 *       batch read and queued under the write order lock after a write barrier on the local replica
 *       (so it holds the state at one instant of the write order: a later update or delete reaches the
 *       replica after it and is never undone), then Active via consensus. While Partial, a forwarded
 *       write that finds a point missing there is not a failure (as in Qdrant: the transfer brings
 *       the point). Throttled by {@code cluster.transfer.points_per_second} (default 10000, 0 = no
 *       limit); a failed batch is retried 3 times from the same id (resume within a transfer), after
 *       which the replica goes back to Dead and a later round starts again.
 *       <p>Why the primary drives it, not the Raft leader: batches must be ordered with the shard's
 *       writes and only the primary orders them; the primary also holds the data to stream.
 *       <p><b>Known limits:</b> a {@code stream_records} transfer that starts again (after its primary
 *       restarted or changed) begins from an empty replica (the transfer itself is in the metadata
 *       log, see "Transfers in the metadata log" below, so it is never forgotten); {@code
 *       abort_transfer} drops the unfinished target replica (leaving it Dead would not stop it: the
 *       automatic recovery would start again); the batch read blocks the shard's writes for one batch.
 *   <li><b>wal_delta transfer.</b> The automatic recovery first tries to send a returning replica
 *       only the writes it missed, as Qdrant's automatic recovery prefers {@code wal_delta} and
 *       falls back when the delta cannot be resolved. The primary numbers the writes it orders
 *       ({@link io.sextant.cluster.shard.OperationTag}: a random incarnation per primary run and a
 *       tick) and forwards them with the internal call {@code TaggedUpdate}; each replica records
 *       the unbroken run of tags it applied ({@link io.sextant.cluster.shard.ReplicaClocks}, a
 *       36-byte versioned file per replica in {@code cluster/replica_clocks/}, documented byte by
 *       byte there; corrupt reads as unknown) and reports it with {@code RecoveryPoint}. The primary
 *       keeps the last writes it ordered in memory and on disk ({@link
 *       io.sextant.cluster.replica.RetainedOperations}: at most 16384 writes and 8 MiB estimated
 *       per shard; the decision and the exact safety rule are written there; the history file
 *       {@code <collection>/shards/<id>.retained}, {@code RetainedHistoryFile}, format documented
 *       byte by byte there, CRC per record, torn tail cut, replayed at open so the incarnation, the
 *       tick, the retained writes and which replicas were known complete survive a clean restart
 *       and a kill -9 of the primary; it is discarded, and the next write starts a new
 *       incarnation, when it does not end at the local replica's last WAL write or is unreadable) and sends the suffix
 *       after the replica's last tick when the replica's run is from its current incarnation, began
 *       no later than when the primary last knew the replica complete, and the suffix is still
 *       retained: Dead becomes Partial, the suffix goes out tagged on the replica's ordered queue
 *       ahead of every later write, in {@code TaggedBatch} calls of up to 512 writes (about 4 MiB)
 *       that the replica applies with one WAL fsync each ({@code Shard.updateAll}), its recovery
 *       point advancing per batch, then Active. Otherwise (a primary that changed, outside the case
 *       below, or whose history was discarded, a replica whose last write was a streamed batch, a
 *       suffix already dropped) it falls back to stream_records and records why. {@code
 *       GET /collections/{c}/cluster} lists running transfers with their method and, as a Sextant
 *       extension, {@code finished_transfers} (method, writes or points sent, duration, fallback
 *       reason). Known limits: a replica's clock file is not removed with its collection
 *       (harmless: a new collection's primaries draw new incarnations); a primary change is
 *       covered only in the case below.
 *   <li><b>wal_delta across a primary change.</b> The common case of a kill -9 under load: peer R
 *       ordered the writes of a shard (incarnation {@code i}), R dies, the survivor P becomes the
 *       primary and orders writes of its own incarnation {@code j}, R returns. The rule, and why it
 *       is exact:
 *       <ol>
 *         <li><i>P's base.</i> When P starts incarnation {@code j} (its first ordered write, or a
 *             transfer barrier), it records the position of its own replica in the previous run:
 *             its replica clock's point {@code (i, fP, lP)}, but only when the clock's last tagged
 *             write is the local replica's last WAL write before {@code j} (the clock file, format
 *             2, records the local WAL sequence number of that write); so P's state at the start
 *             of {@code j} is exactly "everything it had when it applied tick {@code lP} of
 *             {@code i}". The base is kept in the retained history ({@code BASE} record, history
 *             format 2). No base (unknown clock, a write in between, a v1 clock file): no delta
 *             across the change.
 *         <li><i>R's point.</i> A peer whose retained history describes its local replica exactly
 *             (the history's last local WAL write is the replica's last write: R ordered every
 *             write its replica has since the incarnation began) answers {@code RecoveryPoint}
 *             with the run it ordered, {@code (i, 1, lR)}, and the tick at which it last knew each
 *             other replica complete (its {@code completeAt}; the response's optional tail). Any
 *             other peer answers its replica clock as before.
 *         <li><i>P's check</i> ({@code RetainedOperations.delta}): R's point is of P's base
 *             incarnation {@code i}; R vouches for P ({@code completeAt[P] = c} exists) and P's
 *             run of {@code i} began no later than {@code c + 1} (so P held R's writes up to
 *             {@code c} and applied every later one through {@code lP}: P at {@code lP} equals R
 *             at {@code lP}); {@code lR == lP}; and P still retains every write of {@code j}. Then
 *             R equals P's state at the start of {@code j}, and the delta is all of {@code j}'s
 *             writes, sent tagged as any delta; P records R complete at the tick before {@code
 *             j}'s first, so R's new run continues the usual rule.
 *         <li><i>Writes R has that P never applied</i> ({@code lR > lP}): R ordered them and died
 *             before P applied them. Fencing guarantees none was acknowledged (R acknowledges only
 *             after every non-Dead replica applied a write or was marked Dead, and P was Active,
 *             since it became primary), so R must not keep them, and a delta can only add writes:
 *             the repair falls back to the default method (whose clear removes them), with that
 *             reason. As Qdrant's {@code resolve_wal_delta} refuses a recovery point with clocks
 *             newer than the source's.
 *         <li>Every other case falls back, with the reason in {@code finished_transfers} and the
 *             log: R's point is a replica clock of a third primary's run (neither R nor P can
 *             prove R was complete: only the dead orderer knew); R's point is older than P's base
 *             ({@code lR < lP} cannot happen for the orderer); P's writes of {@code j} no longer
 *             all retained.
 *       </ol>
 *       Replicas other than the primary do not retain operations: a returning replica whose
 *       missed suffix started in the previous run ({@code lR < lP}) is not repaired by delta.
 *   <li><b>snapshot transfer.</b> {@code replicate_shard}/{@code move_shard} with {@code method:
 *       snapshot} (carried to every peer in the {@code add_replica} entry's optional {@code
 *       transfer_method}) and {@code restart_transfer} with it make the primary fill the replica
 *       from its files ({@link io.sextant.cluster.replica.ReplicaRecovery}, {@code
 *       ReplicaSet.beginSnapshot}): under the write order lock the target becomes PartialSnapshot
 *       (it receives no forwards from then on), a visibility barrier is written, the local replica's
 *       files are captured ({@code Shard.captureFiles}) at tick T of the retained history and the
 *       target is recorded complete at T; the shipping is queued on the target's ordered queue
 *       behind every forward queued before: the files go out in {@code InstallChunk} calls of at
 *       most 4 MiB, up to 4 in flight at once (a file's first chunk, which creates it, before its
 *       others; {@code SnapshotShipping}; no single large message), then {@code InstallFinish}
 *       makes the target close its replica, swap in the staged directory ({@code
 *       <collection>/shards/<id>.incoming}), open it and set its recovery point to (incarnation,
 *       T, T). The writes ordered after the capture then go out by the wal_delta path (tagged
 *       batches ahead of every later write), and the replica becomes Active; {@code
 *       finished_transfers} lists method {@code snapshot} with the installed point count. If the
 *       history no longer holds T+1 by then (more than 16384 writes during the shipping), the
 *       replica stays Partial and the next round streams it. The method is used when asked ({@code
 *       replicate_shard}, {@code move_shard}, {@code restart_transfer}) and, with {@code
 *       storage.shard_transfer_method: snapshot}, by an automatic repair that cannot use {@code
 *       wal_delta} and by {@code replicate_shard}/{@code move_shard} without a method (as Qdrant).
 *       The shipping is throttled by the stream's setting, {@code cluster.transfer.points_per_second}
 *       (one mechanism, {@code TransferPace}), in bytes: that many points per second times the
 *       captured shard's bytes per point, a chunk going out once the bytes up to its end are due.
 *       Known limits: the capture holds the write order lock (the shard's writes wait for it; {@code
 *       captureFiles} pauses the shard only briefly); a shard's size does not choose the method.
 *   <li><b>Dropping a replica (slice 5).</b> {@code POST /collections/{c}/cluster} with {@code
 *       {"drop_replica":{"shard_id":s,"peer_id":p}}} (the server's {@code
 *       CollectionClusterOperations}; manage access; 405 "Qdrant is running in standalone mode" on
 *       a standalone node, as Qdrant) checks on the proposing peer that the collection exists (404),
 *       has a placement, the shard exists, the peer is a member holding a replica of it, and that
 *       another Active replica remains (400 otherwise), then proposes the log entry {@code
 *       drop_replica} ({@link ReplicaPlacementChange}: shard id, peer id; {@link MetadataCommand} format
 *       version 5, written only for this kind). Every peer applies it through the {@link
 *       ReplicaPlacementApplier}, which checks the shard and the last-Active rule again against its books
 *       (same log, same verdict), rewrites the placement in the {@link PlacementBook} (durably,
 *       first), forgets the replica's state, then tells the server: {@link
 *       io.sextant.cluster.replica.ReplicaSet#dropReplica} removes the peer from the shard's layout
 *       (its forwarding queue stops after the forwards already queued) and, on the peer that held
 *       it, closes the local replica, after which the server deletes the shard directory. If the
 *       process dies before the delete, the shard factory deletes a directory the placement no
 *       longer names when the collection opens. A drop of a replica the placement no longer has is a
 *       no-op success, so the {@link MetadataLedger} keeps drops in the collection's history and a
 *       snapshot's reconcile simply re-applies them. Known limits: a call that already took the
 *       dropped local replica finishes on it or fails as on a closed shard.
 *       <p><b>Adding a replica.</b> {@code replicate_shard} {@code {"shard_id","from_peer_id",
 *       "to_peer_id","method"?}} (checked on the proposer: both peers members, the source holds a
 *       replica, the target none, method {@code stream_records}, {@code wal_delta}, {@code snapshot}
 *       or absent, which means {@code storage.shard_transfer_method}, else {@code stream_records})
 *       proposes {@code start_transfer} (below) for the new replica: every peer appends the target
 *       to the shard's replicas (last, so the primary does not change) with state Partial, as an
 *       {@code add_replica} entry would ({@link ReplicaPlacementApplier}), and records the transfer;
 *       the server adds it to the replica set ({@link
 *       io.sextant.cluster.replica.ReplicaSet#addReplica}: a forwarding queue on the others, an
 *       empty local replica opened by the local shard factory on the target). From then on the
 *       replica receives every write, and the shard's primary, seeing a Partial replica with no
 *       transfer running, fills it by the automatic recovery above with the recorded method and makes
 *       it Active. So the stream comes from the primary, not necessarily {@code from_peer_id}. {@code
 *       move_shard} (same body) is the same entry with {@code "move":true}: the entry that finishes
 *       the transfer also drops the source replica, so the move is decided once, in the log, and
 *       survives restarts of any peer (the old per-call background thread is gone). {@code
 *       restart_transfer} {@code {"shard_id","from_peer_id","to_peer_id","method"}} (Qdrant's body,
 *       all required) needs a recorded transfer to the target or its replica Partial (else 400
 *       "There is no transfer for shard s from f to t", Qdrant's text); it proposes {@code
 *       start_transfer} with the new method (the recorded move flag stays), then {@code
 *       set_replica_state} Partial to Dead: the running transfer stops at its next batch, and the
 *       primary's next round starts the recorded one ({@code stream_records}; {@code wal_delta},
 *       falling back to the default method when no delta is possible; {@code snapshot}, below); the
 *       stopped transfer is listed in {@code finished_transfers} with {@code activated: false}.
 *       {@code abort_transfer} {@code {"shard_id","from_peer_id","to_peer_id"}} needs a recorded
 *       transfer to the target or its replica Partial and proposes {@code abort_transfer}, from any
 *       peer: every peer forgets the transfer and drops the target replica unless it is Active (never
 *       the shard's last Active one): the primary's transfer stops at its next batch (the replica is
 *       no longer Partial), the target deletes what it got. Why not "leave it Dead": the automatic
 *       recovery would start the transfer again within a second. {@code add_replica} entries (format
 *       version 5) written by older binaries, with their optional {@code transfer_method}, still apply.
 *   <li><b>Transfers in the metadata log.</b> A shard transfer is a {@link ShardTransfer} (shard,
 *       from, to, method, sync, move) recorded by log entries ({@link MetadataCommand} format version
 *       8, written only for these kinds): {@code start_transfer} (a new transfer, or a new method for
 *       a recorded one; a target the placement lacks joins it Partial), {@code finish_transfer} (the
 *       target is Active; a move's source is dropped by the same entry, refused like a {@code
 *       drop_replica} of the last Active replica) and {@code abort_transfer}. Every peer applies them
 *       through the {@link TransferApplier} into its {@link TransferBook} ({@code
 *       cluster/transfers.json}, format 1, documented there; a corrupt file stops the start with its
 *       name), so {@code GET /collections/{c}/cluster} lists the same {@code shard_transfers} on every
 *       peer in Qdrant's shape ({@code shard_id}, {@code from}, {@code to}, {@code sync}, {@code
 *       method}, {@code comment}: whether it is a move and whether this peer runs it). The {@link
 *       MetadataLedger} keeps the table in snapshots (installed verbatim by a snapshot's reconcile,
 *       {@link MetadataApplier#resetTransfers}) and a transfer entry's effect on the placement as the
 *       equivalent replica add or drop in the collection's history.
 *       <p>Who writes what: {@code replicate_shard}/{@code move_shard}/{@code restart_transfer}/
 *       {@code abort_transfer} are proposed by the peer that took the call; the shard's primary
 *       ({@link io.sextant.cluster.replica.ReplicaRecovery}, through {@link
 *       io.sextant.cluster.replica.ConsensusTransfers}) records a transfer before it repairs a Dead
 *       replica that has none ({@code wal_delta} first, as Qdrant's automatic recovery), records the
 *       fallback method ({@code storage.shard_transfer_method}, default {@code stream_records}) before
 *       it uses it when no delta is possible, and records the finish once the target is Active. A
 *       transfer that stops (its primary restarted, was killed, or another replica took the primary
 *       role) stays recorded: the next primary's round finds the target Partial or Dead and resumes
 *       it with the recorded method ({@code stream_records} from the beginning: a Partial replica may
 *       lack writes made while nothing ran; {@code wal_delta} from the target's recovery point; {@code
 *       snapshot} again, a PartialSnapshot target first back to Dead), taking over a non-move
 *       transfer's {@code from}; a target that became Active without a recorded finish gets its
 *       finish (and a move its drop) at the next round. A failed transfer leaves the replica Dead and
 *       the record in place. Known limits: no progress checkpoint entries (a resumed stream starts
 *       over); {@code comment} has no progress counts.
 *   <li><b>gRPC collection management through consensus.</b> In cluster mode the gRPC {@code
 *       Collections/Create|Update|Delete|UpdateAliases} and {@code Points/CreateFieldIndex|
 *       DeleteFieldIndex} go through the same {@code MetadataGate} as REST (the server's {@code
 *       GrpcMetadataCommands} builds the command after validating the request, so bad input is
 *       answered with its status and never enters the log). Delete, alias batches and delete index
 *       become ordinary REST-form commands (their bodies are trivial; the ledger reads alias
 *       batches). Create, update and create index carry the gRPC request message itself: {@link
 *       MetadataCommand} format version 3, {@code "form":"grpc"}, body = base64 of the protobuf
 *       message, decoded on every peer by the same proto converters a standalone node uses. Why
 *       not convert to REST bodies: there are converters from these protos to domain types but
 *       none back to REST JSON, and writing them (every vector, HNSW, quantization, optimizer and
 *       strict-mode field) would duplicate the converters for no behavioural gain; the protobuf
 *       message is itself a versioned, backward-compatible wire (Qdrant's), so the log entry stays
 *       readable as the protos grow. A REST-form entry is still written as version 1 or 2, so
 *       only gRPC-made entries need a v3 reader. A gRPC create without {@code shard_number} gets
 *       the number of peers written into the message, like REST.
 *   <li><b>Shard keys (custom sharding).</b> A collection created with {@code sharding_method:
 *       custom} enters the log without a placement and opens no shards. {@code PUT
 *       /collections/{c}/shards} (and {@code create_sharding_key} of {@code POST
 *       /collections/{c}/cluster}, gRPC {@code CreateShardKey}) is completed on the proposing peer
 *       from the collection's config ({@code shards_number} defaults to its {@code shard_number},
 *       {@code replication_factor} to its own) and gets the placement of the key's new shards,
 *       planned there as for a create ({@link ShardPlacement#plan} over the request's {@code
 *       placement} peers or every member, starting from a position derived from collection and
 *       key), then enters the log as {@code create_shard_key} ({@link MetadataCommand} format
 *       version 7, written only for the two shard key kinds; body {@code {"shard_key",
 *       "shards_number","replication_factor","placement"?}}, the command's {@code placement} the new
 *       shards'). Every peer's {@link PlacementApplier} appends that placement to the collection's
 *       (recorded first, so the shard factory finds it when the shards open, and put back when the
 *       key is refused), then the collection adds the key with the next shard ids of its key table;
 *       since ids are handed out in order and never reused, shard id {@code s} is placement entry
 *       {@code s} on every peer. {@code drop_shard_key} (body {@code {"shard_key"}}) closes the key's
 *       shards and deletes their files on every peer; their placement entries stay (unused: ids
 *       are not reused). Both kinds stay in the collection's history in the {@link MetadataLedger},
 *       so a snapshot replays them. As for every client change, the proposer waits until every
 *       reachable peer applied the entry ({@link ClusterNode#proposeEverywhere}), and the internal
 *       shard service waits up to 500 ms for a shard its peer has not applied yet, so a request
 *       sent to any peer right after the create finds the key's shards. Known limits: replica states of a key's shards start
 *       Active (no Initializing phase as in Qdrant); a key's {@code initial_state} other than Active
 *       is refused; a key's shards follow the same join and leave rules as other shards.
 *   <li><b>Not replicated:</b> collections created before cluster mode was enabled (no
 *       placement) keep a full local copy per peer, and their point writes stay on the peer that
 *       got them.
 * </ul>
 *
 * <p><b>How {@link io.sextant.cluster.replica.ReplicaSet} is split.</b> The replica set keeps the
 * write path under the primary's write-order lock; the read side is {@link
 * io.sextant.cluster.replica.ReplicaReads}, the per-peer forwarding queues with their deadline are
 * {@link io.sextant.cluster.replica.ReplicaForwarding}, which replica orders a write (routing, moving on from a lost primary,
 * routing again on {@link io.sextant.cluster.shard.NotThePrimary}) is {@code WriteRouting}, and the
 * transfer starts that must sit at one
 * point of the write order ({@code beginFill}, {@code sendBatch}, {@code beginDelta}, {@code
 * beginSnapshot}) are {@link io.sextant.cluster.replica.ReplicaTransferStarts}, which takes the lock
 * from the set.
 *
 * <h2>Plan for the next slices</h2>
 *
 * <ol>
 *   <li><b>Placement changes.</b> Placement moves when peers join or leave.
 *   <li><b>Failure detection for reads.</b> A replica that keeps missing the fan-out delay is
 *       reported (and eventually marked Dead) like one that misses forwards (a replica that answers
 *       slowly stays Active: {@code bench/results/cluster-tail-pulse.md}); the forward deadline as a
 *       setting.
 *   <li><b>Shard transfer, what is left.</b> (Transfers are log entries, resumed by a new or
 *       restarted primary, listed by every peer, moves decided up front, the method defaulting to
 *       {@code storage.shard_transfer_method}: done.) Progress checkpoints in the log so a stream
 *       resumes from its last id instead of the beginning; the snapshot method chosen automatically
 *       for large shards; wal_delta across a primary change for a returning peer that was a plain
 *       replica of the previous run, and undoing (instead of streaming over) the unacknowledged
 *       writes a returning former primary holds (replicas would retain the tagged writes they
 *       apply, as Qdrant's WAL with clock maps lets any replica serve the delta).
 * </ol>
 */
package io.sextant.cluster;
