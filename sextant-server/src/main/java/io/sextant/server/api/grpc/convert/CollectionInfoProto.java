package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Collections;
import io.sextant.collection.AliasDescription;
import io.sextant.collection.CollectionInfo;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.HnswConfig;
import io.sextant.collection.config.OptimizersConfig;
import io.sextant.collection.config.QuantizationConfig;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.config.VectorDatatype;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.config.WalConfig;
import java.util.List;

/**
 * Collection state to the gRPC wire: {@link CollectionInfo} as {@code qdrant.CollectionInfo} (the
 * same numbers and config REST shows, sparse vectors in {@code params.sparse_vectors_config}), and
 * alias descriptions. Stateless and thread-safe.
 */
public final class CollectionInfoProto {

    private CollectionInfoProto() {}

    public static Collections.CollectionInfo info(CollectionInfo info) {
        Collections.CollectionInfo.Builder b = Collections.CollectionInfo.newBuilder()
                .setStatus(status(info.status()))
                .setOptimizerStatus(Collections.OptimizerStatus.newBuilder()
                        .setOk(info.optimizerError() == null)
                        .setError(info.optimizerError() == null ? "" : info.optimizerError()))
                .setSegmentsCount(info.segmentsCount())
                .setPointsCount(info.pointsCount())
                .setIndexedVectorsCount(info.indexedVectorsCount())
                .setConfig(config(info.config()))
                .setUpdateQueue(Collections.UpdateQueueInfo.newBuilder().setLength(0));
        info.payloadSchema().forEach((field, schema) -> b.putPayloadSchema(field, IndexProto.schemaInfo(schema)));
        return b.build();
    }

    private static Collections.CollectionStatus status(String s) {
        return switch (s) {
            case "green" -> Collections.CollectionStatus.Green;
            case "yellow" -> Collections.CollectionStatus.Yellow;
            case "grey" -> Collections.CollectionStatus.Grey;
            case "red" -> Collections.CollectionStatus.Red;
            default -> Collections.CollectionStatus.UnknownCollectionStatus;
        };
    }

    public static Collections.CollectionConfig config(CollectionConfig c) {
        Collections.CollectionConfig.Builder b = Collections.CollectionConfig.newBuilder()
                .setParams(params(c.params()))
                .setHnswConfig(hnsw(c.hnswConfig()))
                .setOptimizerConfig(optimizers(c.optimizerConfig()))
                .setWalConfig(wal(c.walConfig()))
                .putAllMetadata(ValueProto.toProtoMap(c.metadata()));
        if (c.quantizationConfig() != null) {
            b.setQuantizationConfig(quantization(c.quantizationConfig()));
        }
        return b.build();
    }

    private static Collections.CollectionParams params(CollectionParams p) {
        Collections.CollectionParams.Builder b = Collections.CollectionParams.newBuilder()
                .setShardNumber(p.shardNumber())
                .setOnDiskPayload(p.onDiskPayload())
                .setReplicationFactor(p.replicationFactor())
                .setWriteConsistencyFactor(p.writeConsistencyFactor());
        if (p.readFanOut().factor() != null) {
            b.setReadFanOutFactor(p.readFanOut().factor());
        }
        if (p.readFanOut().delayMs() != null) {
            b.setReadFanOutDelayMs(p.readFanOut().delayMs());
        }
        Collections.VectorsConfig.Builder vc = Collections.VectorsConfig.newBuilder();
        if (p.unnamedVector()) {
            vc.setParams(vector(p.vectors().get("")));
        } else {
            Collections.VectorParamsMap.Builder map = Collections.VectorParamsMap.newBuilder();
            p.vectors().forEach((name, v) -> map.putMap(name, vector(v)));
            vc.setParamsMap(map);
        }
        b.setVectorsConfig(vc);
        if (!p.sparseVectors().isEmpty()) {
            Collections.SparseVectorConfig.Builder sparse = Collections.SparseVectorConfig.newBuilder();
            p.sparseVectors().forEach((name, sv) -> sparse.putMap(name, sparseVector(sv)));
            b.setSparseVectorsConfig(sparse);
        }
        return b.build();
    }

    /** Qdrant's form: {@code index} only when one of its fields is set; unset fields left out. */
    private static Collections.SparseVectorParams sparseVector(SparseVectorParams v) {
        Collections.SparseVectorParams.Builder b = Collections.SparseVectorParams.newBuilder();
        if (v.hasIndexParams()) {
            Collections.SparseIndexConfig.Builder idx = Collections.SparseIndexConfig.newBuilder();
            if (v.fullScanThreshold() != null) idx.setFullScanThreshold(v.fullScanThreshold());
            if (v.onDisk() != null) idx.setOnDisk(v.onDisk());
            if (v.datatype() != null) idx.setDatatype(datatype(v.datatype()));
            b.setIndex(idx);
        }
        if (v.modifier() != null) {
            b.setModifier(
                    switch (v.modifier()) {
                        case NONE -> Collections.Modifier.None;
                        case IDF -> Collections.Modifier.Idf;
                    });
        }
        return b.build();
    }

    private static Collections.Datatype datatype(VectorDatatype d) {
        return switch (d) {
            case FLOAT32 -> Collections.Datatype.Float32;
            case FLOAT16 -> Collections.Datatype.Float16;
            case UINT8 -> Collections.Datatype.Uint8;
            case TURBO4 -> Collections.Datatype.Default; // the io.qdrant:client 1.18 protos have no Turbo4
        };
    }

    private static Collections.VectorParams vector(VectorParams v) {
        Collections.VectorParams.Builder b = Collections.VectorParams.newBuilder()
                .setSize(v.size())
                .setDistance(
                        switch (v.distance()) {
                            case COSINE -> Collections.Distance.Cosine;
                            case EUCLID -> Collections.Distance.Euclid;
                            case DOT -> Collections.Distance.Dot;
                            case MANHATTAN -> Collections.Distance.Manhattan;
                        });
        if (v.onDisk() != null) {
            b.setOnDisk(v.onDisk());
        }
        if (v.hnswConfig() != null) {
            b.setHnswConfig(hnswDiff(v.hnswConfig()));
        }
        if (v.quantizationConfig() != null) {
            b.setQuantizationConfig(quantization(v.quantizationConfig()));
        }
        if (v.datatype() != null) {
            b.setDatatype(datatype(v.datatype()));
        }
        if (v.multivectorConfig() != null) {
            b.setMultivectorConfig(
                    Collections.MultiVectorConfig.newBuilder().setComparator(Collections.MultiVectorComparator.MaxSim));
        }
        return b.build();
    }

    private static Collections.HnswConfigDiff hnsw(HnswConfig h) {
        Collections.HnswConfigDiff.Builder b = Collections.HnswConfigDiff.newBuilder()
                .setM(h.m())
                .setEfConstruct(h.efConstruct())
                .setFullScanThreshold(h.fullScanThreshold())
                .setMaxIndexingThreads(h.maxIndexingThreads())
                .setOnDisk(h.onDisk());
        if (h.payloadM() != null) {
            b.setPayloadM(h.payloadM());
        }
        return b.build();
    }

    private static Collections.HnswConfigDiff hnswDiff(HnswConfig.Diff h) {
        Collections.HnswConfigDiff.Builder b = Collections.HnswConfigDiff.newBuilder();
        if (h.m() != null) b.setM(h.m());
        if (h.efConstruct() != null) b.setEfConstruct(h.efConstruct());
        if (h.fullScanThreshold() != null) b.setFullScanThreshold(h.fullScanThreshold());
        if (h.maxIndexingThreads() != null) b.setMaxIndexingThreads(h.maxIndexingThreads());
        if (h.onDisk() != null) b.setOnDisk(h.onDisk());
        if (h.payloadM() != null) b.setPayloadM(h.payloadM());
        return b.build();
    }

    private static Collections.OptimizersConfigDiff optimizers(OptimizersConfig o) {
        Collections.OptimizersConfigDiff.Builder b = Collections.OptimizersConfigDiff.newBuilder()
                .setDeletedThreshold(o.deletedThreshold())
                .setVacuumMinVectorNumber(o.vacuumMinVectorNumber())
                .setDefaultSegmentNumber(o.defaultSegmentNumber())
                .setIndexingThreshold(o.indexingThreshold())
                .setFlushIntervalSec(o.flushIntervalSec());
        if (o.maxSegmentSize() != null) b.setMaxSegmentSize(o.maxSegmentSize());
        if (o.memmapThreshold() != null) b.setMemmapThreshold(o.memmapThreshold());
        b.setMaxOptimizationThreads(
                o.maxOptimizationThreads() == null
                        ? Collections.MaxOptimizationThreads.newBuilder()
                                .setSetting(Collections.MaxOptimizationThreads.Setting.Auto)
                        : Collections.MaxOptimizationThreads.newBuilder().setValue(o.maxOptimizationThreads()));
        if (o.preventUnoptimized() != null) b.setPreventUnoptimized(o.preventUnoptimized());
        return b.build();
    }

    private static Collections.WalConfigDiff wal(WalConfig w) {
        return Collections.WalConfigDiff.newBuilder()
                .setWalCapacityMb(w.walCapacityMb())
                .setWalSegmentsAhead(w.walSegmentsAhead())
                .setWalRetainClosed(w.walRetainClosed())
                .build();
    }

    private static Collections.QuantizationConfig quantization(QuantizationConfig q) {
        Collections.QuantizationConfig.Builder b = Collections.QuantizationConfig.newBuilder();
        switch (q) {
            case QuantizationConfig.Scalar s -> {
                var sb = Collections.ScalarQuantization.newBuilder().setType(Collections.QuantizationType.Int8);
                if (s.quantile() != null) sb.setQuantile(s.quantile());
                if (s.alwaysRam() != null) sb.setAlwaysRam(s.alwaysRam());
                b.setScalar(sb);
            }
            case QuantizationConfig.Product p -> {
                var pb = Collections.ProductQuantization.newBuilder()
                        .setCompression(
                                switch (p.compression()) {
                                    case 4 -> Collections.CompressionRatio.x4;
                                    case 8 -> Collections.CompressionRatio.x8;
                                    case 16 -> Collections.CompressionRatio.x16;
                                    case 32 -> Collections.CompressionRatio.x32;
                                    default -> Collections.CompressionRatio.x64;
                                });
                if (p.alwaysRam() != null) pb.setAlwaysRam(p.alwaysRam());
                b.setProduct(pb);
            }
            case QuantizationConfig.Binary bin -> {
                var bb = Collections.BinaryQuantization.newBuilder();
                if (bin.alwaysRam() != null) bb.setAlwaysRam(bin.alwaysRam());
                if (bin.encoding() != null) {
                    bb.setEncoding(
                            switch (bin.encoding()) {
                                case "two_bits" -> Collections.BinaryQuantizationEncoding.TwoBits;
                                case "one_and_half_bits" -> Collections.BinaryQuantizationEncoding.OneAndHalfBits;
                                default -> Collections.BinaryQuantizationEncoding.OneBit;
                            });
                }
                if (bin.queryEncoding() != null) {
                    bb.setQueryEncoding(Collections.BinaryQuantizationQueryEncoding.newBuilder()
                            .setSetting(
                                    switch (bin.queryEncoding()) {
                                        case "binary" -> Collections.BinaryQuantizationQueryEncoding.Setting.Binary;
                                        case "scalar4bits" ->
                                            Collections.BinaryQuantizationQueryEncoding.Setting.Scalar4Bits;
                                        case "scalar8bits" ->
                                            Collections.BinaryQuantizationQueryEncoding.Setting.Scalar8Bits;
                                        default -> Collections.BinaryQuantizationQueryEncoding.Setting.Default;
                                    }));
                }
                b.setBinary(bb);
            }
            case QuantizationConfig.Turbo t -> {
                var tb = Collections.TurboQuantization.newBuilder();
                if (t.alwaysRam() != null) tb.setAlwaysRam(t.alwaysRam());
                if (t.bits() != null) {
                    tb.setBits(
                            switch (t.bits()) {
                                case "bits1" -> Collections.TurboQuantBitSize.Bits1;
                                case "bits1_5" -> Collections.TurboQuantBitSize.Bits1_5;
                                case "bits2" -> Collections.TurboQuantBitSize.Bits2;
                                default -> Collections.TurboQuantBitSize.Bits4;
                            });
                }
                b.setTurboquant(tb);
            }
        }
        return b.build();
    }

    public static List<Collections.AliasDescription> aliases(List<AliasDescription> list) {
        return list.stream()
                .map(a -> Collections.AliasDescription.newBuilder()
                        .setAliasName(a.alias())
                        .setCollectionName(a.collection())
                        .build())
                .toList();
    }
}
