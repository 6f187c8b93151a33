package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.PayloadIndexParams;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.text.TextAnalysisOptions;
import io.sextant.shard.ShardInfo;

/**
 * Payload index schemas between {@code PayloadIndexParams}/{@code PayloadSchemaInfo} and {@link
 * PayloadIndexSpec}. Text indexes keep ASCII folding, stop words (gRPC has only the set form:
 * languages and custom words, kept verbatim) and Snowball stemmers; {@code enable_hnsw} is accepted
 * and ignored here (REST keeps it: {@link PayloadIndexSpec#enableHnsw}). Stateless and thread-safe.
 */
public final class IndexProto {

    private IndexProto() {}

    /** The index type implied by which params variant is set, or null when none is. */
    static PayloadSchemaType typeOfParams(PayloadIndexParams p) {
        return switch (p.getIndexParamsCase()) {
            case KEYWORD_INDEX_PARAMS -> PayloadSchemaType.KEYWORD;
            case INTEGER_INDEX_PARAMS -> PayloadSchemaType.INTEGER;
            case FLOAT_INDEX_PARAMS -> PayloadSchemaType.FLOAT;
            case GEO_INDEX_PARAMS -> PayloadSchemaType.GEO;
            case TEXT_INDEX_PARAMS -> PayloadSchemaType.TEXT;
            case BOOL_INDEX_PARAMS -> PayloadSchemaType.BOOL;
            case DATETIME_INDEX_PARAMS -> PayloadSchemaType.DATETIME;
            case UUID_INDEX_PARAMS -> PayloadSchemaType.UUID;
            case INDEXPARAMS_NOT_SET -> null;
        };
    }

    /** The spec of an index of {@code type} with {@code p}; the params must fit the type. */
    static PayloadIndexSpec spec(PayloadSchemaType type, PayloadIndexParams p, String field) {
        PayloadSchemaType given = typeOfParams(p);
        if (given == null) {
            return PayloadIndexSpec.of(type);
        }
        if (given != type) {
            throw ProtoChecks.bad(
                    field, "params for a " + given.wireName() + " index given for field type " + type.wireName());
        }
        try {
            return switch (p.getIndexParamsCase()) {
                case KEYWORD_INDEX_PARAMS -> {
                    var k = p.getKeywordIndexParams();
                    yield new PayloadIndexSpec(
                            type,
                            k.hasIsTenant() ? k.getIsTenant() : null,
                            null,
                            opt(k.hasOnDisk(), k.getOnDisk()),
                            null,
                            null,
                            null);
                }
                case UUID_INDEX_PARAMS -> {
                    var k = p.getUuidIndexParams();
                    yield new PayloadIndexSpec(
                            type,
                            k.hasIsTenant() ? k.getIsTenant() : null,
                            null,
                            opt(k.hasOnDisk(), k.getOnDisk()),
                            null,
                            null,
                            null);
                }
                case INTEGER_INDEX_PARAMS -> {
                    var k = p.getIntegerIndexParams();
                    yield new PayloadIndexSpec(
                                    type,
                                    null,
                                    opt(k.hasIsPrincipal(), k.getIsPrincipal()),
                                    opt(k.hasOnDisk(), k.getOnDisk()),
                                    opt(k.hasLookup(), k.getLookup()),
                                    opt(k.hasRange(), k.getRange()),
                                    null)
                            .validated();
                }
                case FLOAT_INDEX_PARAMS -> {
                    var k = p.getFloatIndexParams();
                    yield new PayloadIndexSpec(
                            type,
                            null,
                            opt(k.hasIsPrincipal(), k.getIsPrincipal()),
                            opt(k.hasOnDisk(), k.getOnDisk()),
                            null,
                            null,
                            null);
                }
                case DATETIME_INDEX_PARAMS -> {
                    var k = p.getDatetimeIndexParams();
                    yield new PayloadIndexSpec(
                            type,
                            null,
                            opt(k.hasIsPrincipal(), k.getIsPrincipal()),
                            opt(k.hasOnDisk(), k.getOnDisk()),
                            null,
                            null,
                            null);
                }
                case GEO_INDEX_PARAMS -> {
                    var k = p.getGeoIndexParams();
                    yield new PayloadIndexSpec(type, null, null, opt(k.hasOnDisk(), k.getOnDisk()), null, null, null);
                }
                case BOOL_INDEX_PARAMS -> {
                    var k = p.getBoolIndexParams();
                    yield new PayloadIndexSpec(type, null, null, opt(k.hasOnDisk(), k.getOnDisk()), null, null, null);
                }
                case TEXT_INDEX_PARAMS -> {
                    var t = p.getTextIndexParams();
                    yield new PayloadIndexSpec(
                            type,
                            null,
                            null,
                            opt(t.hasOnDisk(), t.getOnDisk()),
                            null,
                            null,
                            new PayloadIndexSpec.TextIndexParams(
                                    tokenizer(t.getTokenizer()),
                                    !t.hasLowercase() || t.getLowercase(),
                                    t.hasMinTokenLen() ? ProtoChecks.toInt(t.getMinTokenLen(), field) : null,
                                    t.hasMaxTokenLen() ? ProtoChecks.toInt(t.getMaxTokenLen(), field) : null,
                                    opt(t.hasPhraseMatching(), t.getPhraseMatching()),
                                    opt(t.hasAsciiFolding(), t.getAsciiFolding()),
                                    t.hasStopwords() ? stopwords(t.getStopwords()) : null,
                                    t.hasStemmer() ? stemmer(t.getStemmer()) : null));
                }
                case INDEXPARAMS_NOT_SET -> PayloadIndexSpec.of(type);
            };
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad(field, e.getMessage());
        }
    }

    private static TextAnalysisOptions.Stopwords stopwords(Collections.StopwordsSet s) {
        // gRPC has only the set form; custom words are kept verbatim (Qdrant issue 8724)
        return TextAnalysisOptions.Stopwords.set(s.getLanguagesList(), s.getCustomList());
    }

    private static TextAnalysisOptions.Stemmer stemmer(Collections.StemmingAlgorithm s) {
        if (!s.hasSnowball()) {
            throw new IllegalArgumentException("stemmer: expected snowball parameters, got none");
        }
        return TextAnalysisOptions.Stemmer.snowball(s.getSnowball().getLanguage());
    }

    private static Boolean opt(boolean has, boolean v) {
        return has ? v : null;
    }

    private static String tokenizer(Collections.TokenizerType t) {
        return switch (t) {
            case Prefix -> "prefix";
            case Whitespace -> "whitespace";
            case Multilingual -> "multilingual";
            case Word, Unknown, UNRECOGNIZED -> "word";
        };
    }

    /** {@code PayloadSchemaInfo} of an indexed field in collection info. */
    public static Collections.PayloadSchemaInfo schemaInfo(ShardInfo.FieldSchemaInfo info) {
        PayloadIndexSpec s = info.spec();
        Collections.PayloadSchemaInfo.Builder b = Collections.PayloadSchemaInfo.newBuilder()
                .setDataType(dataType(s.type()))
                .setPoints(info.points());
        if (s.hasParams()) {
            b.setParams(params(s));
        }
        return b.build();
    }

    private static Collections.PayloadSchemaType dataType(PayloadSchemaType t) {
        return switch (t) {
            case KEYWORD -> Collections.PayloadSchemaType.Keyword;
            case INTEGER -> Collections.PayloadSchemaType.Integer;
            case FLOAT -> Collections.PayloadSchemaType.Float;
            case BOOL -> Collections.PayloadSchemaType.Bool;
            case GEO -> Collections.PayloadSchemaType.Geo;
            case DATETIME -> Collections.PayloadSchemaType.Datetime;
            case TEXT -> Collections.PayloadSchemaType.Text;
            case UUID -> Collections.PayloadSchemaType.Uuid;
        };
    }

    private static PayloadIndexParams params(PayloadIndexSpec s) {
        PayloadIndexParams.Builder b = PayloadIndexParams.newBuilder();
        switch (s.type()) {
            case KEYWORD -> {
                var k = Collections.KeywordIndexParams.newBuilder();
                if (s.isTenant() != null) k.setIsTenant(s.isTenant());
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setKeywordIndexParams(k);
            }
            case UUID -> {
                var k = Collections.UuidIndexParams.newBuilder();
                if (s.isTenant() != null) k.setIsTenant(s.isTenant());
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setUuidIndexParams(k);
            }
            case INTEGER -> {
                var k = Collections.IntegerIndexParams.newBuilder();
                if (s.lookup() != null) k.setLookup(s.lookup());
                if (s.range() != null) k.setRange(s.range());
                if (s.isPrincipal() != null) k.setIsPrincipal(s.isPrincipal());
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setIntegerIndexParams(k);
            }
            case FLOAT -> {
                var k = Collections.FloatIndexParams.newBuilder();
                if (s.isPrincipal() != null) k.setIsPrincipal(s.isPrincipal());
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setFloatIndexParams(k);
            }
            case DATETIME -> {
                var k = Collections.DatetimeIndexParams.newBuilder();
                if (s.isPrincipal() != null) k.setIsPrincipal(s.isPrincipal());
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setDatetimeIndexParams(k);
            }
            case GEO -> {
                var k = Collections.GeoIndexParams.newBuilder();
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setGeoIndexParams(k);
            }
            case BOOL -> {
                var k = Collections.BoolIndexParams.newBuilder();
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setBoolIndexParams(k);
            }
            case TEXT -> {
                var k = Collections.TextIndexParams.newBuilder();
                var t = s.text() == null ? PayloadIndexSpec.TextIndexParams.DEFAULT : s.text();
                k.setTokenizer(
                        switch (t.tokenizer()) {
                            case "prefix" -> Collections.TokenizerType.Prefix;
                            case "whitespace" -> Collections.TokenizerType.Whitespace;
                            case "multilingual" -> Collections.TokenizerType.Multilingual;
                            default -> Collections.TokenizerType.Word;
                        });
                k.setLowercase(t.lowercase());
                if (t.minTokenLen() != null) k.setMinTokenLen(t.minTokenLen());
                if (t.maxTokenLen() != null) k.setMaxTokenLen(t.maxTokenLen());
                if (t.phraseMatching() != null) k.setPhraseMatching(t.phraseMatching());
                if (t.asciiFolding() != null) k.setAsciiFolding(t.asciiFolding());
                if (t.stopwords() != null) {
                    var sw = Collections.StopwordsSet.newBuilder()
                            .addAllLanguages(t.stopwords().allLanguages());
                    if (t.stopwords().custom() != null)
                        sw.addAllCustom(t.stopwords().custom());
                    k.setStopwords(sw);
                }
                if (t.stemmer() != null && !t.stemmer().isNone()) {
                    k.setStemmer(Collections.StemmingAlgorithm.newBuilder()
                            .setSnowball(Collections.SnowballParams.newBuilder()
                                    .setLanguage(t.stemmer().language())));
                }
                if (s.onDisk() != null) k.setOnDisk(s.onDisk());
                b.setTextIndexParams(k);
            }
        }
        return b.build();
    }
}
