/**
 * HNSW: {@link io.sextant.index.hnsw.HnswGraphBuilder} (concurrent, per-node locks, copy-on-write
 * neighbour lists), {@link io.sextant.index.hnsw.HnswSearcher} (plain and filtered search), {@link
 * io.sextant.index.hnsw.HnswGraphWriter} / {@link io.sextant.index.hnsw.MmapHnswGraph} (the
 * versioned, checksummed file and its memory-mapped reader).
 *
 * <p>Decisions:
 *
 * <ul>
 *   <li>A new node picks up to {@code 2m} neighbours on level 0 (like Lucene), not {@code m}.
 *   <li>Pruned connections are not re-added ("keepPrunedConnections" off), as in hnswlib.
 *   <li>Payload sub-graph links are merged on top of the {@code 2m} level-0 links, so level-0 degree
 *       can exceed {@code 2m}; the file stores the actual largest degree.
 *   <li>Filtered search offers two traversals ({@link io.sextant.index.hnsw.FilterTraversal}); the
 *       planner in sextant-segment picks one (TWO_HOP for selective filters with payload links)
 *       or exact search.
 *   <li>TWO_HOP expands rejected nodes (stepping stones) only until the first accepted node is
 *       found, then only accepted ones; rejected neighbours are held unscored for an island that
 *       runs dry. Expanding stepping stones after that made queries far from the filter's region
 *       the latency tail (wordnet pos-verb: p99 about 10x p50); see {@code BeamSearch}.
 *   <li>A merge may reuse an existing graph ({@link io.sextant.index.hnsw.HnswGraphRemapper}): nodes
 *       of points not carried over are removed, not kept as tombstones, and each list that named one
 *       is re-selected from its kept neighbours plus the removed node's kept neighbours.
 *   <li>Build speed (P12 item 4, branch i2-builds). A perf profile (cpu-clock, JIT perf map) of a
 *       wordnet-bge384 build puts about half the time in the distance kernels and most of the rest in
 *       the beam search's memory reads; JFR under-samples the Vector-API kernels, so use perf for the
 *       split. Changes: (1) level-0 neighbours are mirrored in one flat {@code int[]} ({@link
 *       io.sextant.index.hnsw.OnHeapHnswGraph}): a read is one contiguous access instead of three
 *       dependent loads, 44 % of JFR's build samples before; 20,000 rows, 1 thread: 8.5-8.9 CPU s
 *       to 6.0-6.3. (2) Visited marks are one byte per node (113 KB for 115k nodes instead of 452
 *       KB). (3) Opt-in, not used by sextant-segment: the three-argument {@link
 *       io.sextant.index.hnsw.HnswGraphBuilder} constructor beam-searches on approximate scores
 *       (int8 codes, {@link io.sextant.index.ScalarCodeScorerSupplier}) and re-scores the results
 *       exactly before picking neighbours; recall is kept (ApproximateSearchBuildTest; wordnet
 *       recall@10 at ef 32 0.9443-0.9447 vs 0.9437-0.9442 float) but two alternated 115k builds
 *       showed no CPU gain on the loaded 2-core machine (60.6-62.7 vs 59.2-64.0 CPU s), so the
 *       default stays exact. End-to-end numbers against FAISS: {@code
 *       bench/results/ann-wordnet-bge384-i2-build.md}.
 *   <li>Build speed, second pass (P12 item 4, branch j3-build). Neighbour selection ({@link
 *       io.sextant.index.hnsw.DiverseSelection}) scores pick by pick in bulk: each kept neighbour
 *       against all candidates still in the running, through the 4/8-row kernels, instead of one
 *       single-row dot product per (candidate, kept neighbour) pair. Same picks (DiverseSelectionTest
 *       compares it with the one-by-one check). A perf profile (cpu-clock, JIT perf map) of a 40,000-row
 *       wordnet-bge384 build on 1 thread had 11 % of its samples in single-row {@code dot} and 5 % in
 *       the row copies of per-candidate scorers; after the change {@code dot} is 3 % and the copies
 *       2 %, and the build thread's samples fell from 10,276 to 7,891 (the beam search, unchanged,
 *       also fell 10 % between the two runs: the machine was loaded). The segment layer also hands
 *       the builder its float32 rows in transparent huge pages ({@link
 *       io.sextant.index.memory.HugePageMemory}, a copy for the build's duration) instead of the
 *       file mapping's 4 KiB pages: 40,000 rows, 1 thread, alternated in one JVM, 11.97 vs 13.23 CPU
 *       s. GC was 0.5 % of the samples, so the copy-on-write neighbour lists were left as they are.
 *       Both together, all 115,659 rows, 2 threads, alternated in one JVM (load 6-10): 41.4 / 45.9
 *       CPU s against 45.7 / 50.0 before (-8.7 %), recall@10 at ef 32 within 0.001. Against FAISS:
 *       {@code bench/results/ann-wordnet-bge384-j3-build.md} (loaded machine: ratio not shown).
 *   <li>Build speed, third pass (P12 item 4, measurements only, nothing kept). HnswBuildBenchmark,
 *       all 115,659 rows, 2 threads, huge pages: 15.2-17.4 s wall (30-35 CPU s) over ten runs of the
 *       same code on a quiet machine, FAISS 15.9 s in the same conditions; runs of identical code
 *       differ by up to 30 %. An insertion scores 2,042 rows: 1,505 in the beam searches, 537 in
 *       neighbour selection and back links. CPU per score is about 100 ns when the rows fit in the
 *       cache (15,000 rows) and 130 ns for all of them, so the build is mostly compute, not waiting
 *       on memory: the row kernels are 50-60 % of the samples, the level-0 neighbour reads 13 %,
 *       the two heaps 11 %, selection and back links 15-17 %, visited marks 3-5 %; no single
 *       target is left. Tried, each alternated with the exact build in one JVM: beam search on
 *       bfloat16 rows (a kernel 15 % faster per row from memory, 25 % from cache) with exact
 *       re-scoring, 20 % slower (likely cause, not measured: selection and re-scoring then read
 *       float rows the search never touched); int8 codes
 *       (as above), no gain, the float-times-uint8 kernel costs more CPU than it saves in memory;
 *       insertion sorted by 12 random-projection sign bits (consecutive insertions near each
 *       other, to keep their rows in cache), no gain. The JVM heap in transparent huge pages was
 *       within the noise.
 *   <li>A corrupted or other-version graph file is refused at open ({@link
 *       io.sextant.index.hnsw.IndexCorruptedException}); the owner rebuilds it from the vectors.
 * </ul>
 */
package io.sextant.index.hnsw;
