package io.sextant.segment.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilterCodecTest {

    /** Condition kinds, to check that the random generator covered every one. */
    enum Kind {
        MATCH,
        RANGE,
        GEO_BBOX,
        GEO_RADIUS,
        GEO_POLYGON,
        VALUES_COUNT,
        IS_EMPTY,
        IS_NULL,
        HAS_ID,
        SLICE,
        HAS_VECTOR,
        NESTED,
        FILTER
    }

    @Test
    void randomFiltersRoundTripAndCoverEveryConditionAndMatchKind() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        Set<Class<?>> matches = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            Filter f = randomFilter(r, 0, kinds, matches);
            byte[] bytes = FilterCodec.encode(f);
            assertThat(FilterCodec.decode(bytes))
                    .as("seed %d, filter %s", seed, f)
                    .isEqualTo(f);
        }
        assertThat(kinds).as("seed %d", seed).isEqualTo(EnumSet.allOf(Kind.class));
        assertThat(matches).as("seed %d", seed).hasSize(7);
    }

    @Test
    void emptyFilterAndMinShouldRoundTrip() {
        assertThat(FilterCodec.decode(FilterCodec.encode(Filter.ALL))).isEqualTo(Filter.ALL);
        Filter f = new Filter(
                null,
                null,
                null,
                new Filter.MinShould(
                        List.of(new Condition.IsNullCondition("a"), new Condition.IsEmptyCondition("b")), 1));
        assertThat(FilterCodec.decode(FilterCodec.encode(f))).isEqualTo(f);
    }

    @Test
    void badVersionIsRefused() {
        byte[] bytes = FilterCodec.encode(Filter.must(new Condition.IsNullCondition("x")));
        bytes[0] = 9;
        assertThatThrownBy(() -> FilterCodec.decode(bytes))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("version 9 is not supported");
    }

    @Test
    void everyTruncationIsRefusedNeverDecodedToAnotherFilter() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int i = 0; i < 50; i++) {
            byte[] bytes = FilterCodec.encode(randomFilter(r, 0, EnumSet.noneOf(Kind.class), new HashSet<>()));
            for (int len = 0; len < bytes.length; len++) {
                byte[] cut = java.util.Arrays.copyOf(bytes, len);
                assertThatThrownBy(() -> FilterCodec.decode(cut))
                        .as("seed %d, %d of %d bytes", seed, cut.length, bytes.length)
                        .isInstanceOf(CorruptEncodingException.class);
            }
        }
    }

    @Test
    void trailingBytesUnknownKindsAndHugeCountsAreRefused() {
        byte[] ok = FilterCodec.encode(Filter.must(new Condition.HasVectorCondition("v")));
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThatThrownBy(() -> FilterCodec.decode(longer)).hasMessageContaining("1 trailing bytes");
        byte[] badKind = ok.clone();
        badKind[6] = 99; // version, flags, u32 count, then the condition kind
        assertThatThrownBy(() -> FilterCodec.decode(badKind)).hasMessageContaining("unknown condition kind 99");
        byte[] hugeCount = ok.clone();
        hugeCount[2] = 0x7f;
        assertThatThrownBy(() -> FilterCodec.decode(hugeCount))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void outOfRangeValuesInTheBytesAreRefused() {
        byte[] bytes = FilterCodec.encode(Filter.must(new Condition.SliceCondition(4, 1)));
        // version, flags, u32 count, kind 10, u32 total, u32 index: set index to 7 (>= total)
        bytes[14] = 7;
        assertThatThrownBy(() -> FilterCodec.decode(bytes))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("slice index");
    }

    @Test
    void tooDeepNestingIsRefused() {
        Filter f = Filter.ALL;
        for (int i = 0; i <= FilterCodec.MAX_DEPTH + 1; i++) {
            f = Filter.must(new Condition.FilterCondition(f));
        }
        Filter deep = f;
        assertThatThrownBy(() -> FilterCodec.encode(deep)).hasMessageContaining("deeper than");
    }

    static Filter randomFilter(Random r, int depth, Set<Kind> kinds, Set<Class<?>> matches) {
        Filter.MinShould minShould =
                r.nextInt(4) == 0 ? new Filter.MinShould(conditions(r, depth, kinds, matches), r.nextInt(3)) : null;
        return new Filter(
                conditions(r, depth, kinds, matches),
                conditions(r, depth, kinds, matches),
                conditions(r, depth, kinds, matches),
                minShould);
    }

    private static List<Condition> conditions(Random r, int depth, Set<Kind> kinds, Set<Class<?>> matches) {
        int n = r.nextInt(depth == 0 ? 4 : 2);
        List<Condition> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(condition(r, depth, kinds, matches));
        }
        return out;
    }

    private static Condition condition(Random r, int depth, Set<Kind> kinds, Set<Class<?>> matches) {
        Kind kind = Kind.values()[r.nextInt(depth >= 2 ? Kind.values().length - 2 : Kind.values().length)];
        kinds.add(kind);
        String key = key(r);
        return switch (kind) {
            case MATCH -> {
                Match m = match(r);
                matches.add(m.getClass());
                yield new Condition.MatchCondition(key, m);
            }
            case RANGE -> new Condition.RangeCondition(key, optD(r), optD(r), optD(r), optD(r), r.nextBoolean());
            case GEO_BBOX -> new Condition.GeoBoundingBoxCondition(key, geo(r), geo(r));
            case GEO_RADIUS -> new Condition.GeoRadiusCondition(key, geo(r), r.nextDouble() * 1e6);
            case GEO_POLYGON -> {
                List<List<Condition.GeoPoint>> interiors = new ArrayList<>();
                for (int i = r.nextInt(3); i > 0; i--) {
                    interiors.add(ring(r));
                }
                yield new Condition.GeoPolygonCondition(key, ring(r), interiors);
            }
            case VALUES_COUNT -> new Condition.ValuesCountCondition(key, optL(r), optL(r), optL(r), optL(r));
            case IS_EMPTY -> new Condition.IsEmptyCondition(key);
            case IS_NULL -> new Condition.IsNullCondition(key);
            case HAS_ID -> {
                Set<PointId> ids = new LinkedHashSet<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    ids.add(
                            r.nextBoolean()
                                    ? PointId.of(r.nextLong())
                                    : PointId.of(new UUID(r.nextLong(), r.nextLong())));
                }
                yield new Condition.HasIdCondition(ids);
            }
            case SLICE -> {
                int total = 1 + r.nextInt(16);
                yield new Condition.SliceCondition(total, r.nextInt(total));
            }
            case HAS_VECTOR -> new Condition.HasVectorCondition(r.nextBoolean() ? "" : key);
            case NESTED -> new Condition.NestedCondition(key, randomFilter(r, depth + 1, kinds, matches));
            case FILTER -> new Condition.FilterCondition(randomFilter(r, depth + 1, kinds, matches));
        };
    }

    private static Match match(Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> new Match.Value(value(r));
            case 1 -> new Match.Any(values(r));
            case 2 -> new Match.Except(values(r));
            case 3 -> new Match.Text("héllo wörld " + r.nextInt());
            case 4 -> new Match.Phrase("a phrase " + r.nextInt());
            case 5 -> new Match.Prefix(r.nextBoolean() ? "" : "pre" + r.nextInt(9));
            default -> new Match.TextAny("any of these " + r.nextInt());
        };
    }

    private static List<Object> values(Random r) {
        List<Object> out = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            out.add(value(r));
        }
        return out;
    }

    private static Object value(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> "kw-" + r.nextInt(100);
            case 1 -> r.nextLong();
            default -> r.nextBoolean();
        };
    }

    private static String key(Random r) {
        String[] keys = {"a", "a.b", "arr[].x", "arr[2]", "city", "日本"};
        return keys[r.nextInt(keys.length)];
    }

    private static Double optD(Random r) {
        return r.nextBoolean() ? null : (r.nextDouble() - 0.5) * 1e9;
    }

    private static Long optL(Random r) {
        return r.nextBoolean() ? null : (long) r.nextInt(100);
    }

    private static Condition.GeoPoint geo(Random r) {
        return new Condition.GeoPoint(r.nextDouble() * 360 - 180, r.nextDouble() * 180 - 90);
    }

    private static List<Condition.GeoPoint> ring(Random r) {
        List<Condition.GeoPoint> out = new ArrayList<>();
        for (int i = 3 + r.nextInt(4); i > 0; i--) {
            out.add(geo(r));
        }
        return out;
    }
}
