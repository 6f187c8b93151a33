package io.sextant.segment.codec;

import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Binary encoding of a {@link Filter} with every {@link Condition} and {@link Match} kind, for
 * messages between peers (and any later persisted form). A filter embedded in a larger message
 * carries its own version byte, so its layout can evolve without the enclosing one.
 *
 * <p>Layout, version 1, big-endian; {@code str}, {@code ids} as in {@link BinaryWriter}:
 *
 * <pre>
 * filter     u8 version = 1, u8 flags (bit 0: has min_should), conds must, conds should,
 *            conds must_not, [u32 min_count, conds min_should conditions]
 * conds      u32 n + n x condition
 * condition  u8 kind, then per kind:
 *   1 match         str key, match
 *   2 range         str key, u8 datetime (0/1), f64 bounds
 *   3 geo_bbox      str key, geo top_left, geo bottom_right
 *   4 geo_radius    str key, geo center, f64 radius in meters
 *   5 geo_polygon   str key, ring exterior, u32 n, n x ring interior
 *   6 values_count  str key, i64 bounds
 *   7 is_empty      str key
 *   8 is_null       str key
 *   9 has_id        ids (in the set's iteration order)
 *  10 slice         u32 total, u32 index
 *  11 has_vector    str vector name
 *  12 nested        str key, filter (with its version byte)
 *  13 filter        filter (with its version byte)
 * bounds     u8 presence mask (1 gt, 2 gte, 4 lt, 8 lte), then the present bounds in that order
 * geo        f64 lon, f64 lat
 * ring       u32 n, n x geo
 * match      u8 kind, then per kind: 1 value: value | 2 any: u32 n, n x value | 3 except: u32 n,
 *            n x value | 4 text: str | 5 phrase: str | 6 prefix: str | 7 text_any: str
 * value      u8 tag, then 0 keyword: str | 1 integer: i64 | 2 bool: u8 (0/1)
 * </pre>
 *
 * New kinds get new numbers; existing layouts never change within a version. Nesting deeper than
 * {@value #MAX_DEPTH} levels is refused on both sides. Stateless and thread-safe.
 */
public final class FilterCodec {
    public static final int VERSION = 1;
    /** Deepest nesting of filters in filters accepted, so corrupt bytes cannot overflow the stack. */
    public static final int MAX_DEPTH = 64;

    private FilterCodec() {}

    /** The filter alone, as a complete message. */
    public static byte[] encode(Filter filter) {
        BinaryWriter w = new BinaryWriter();
        write(w, filter);
        return w.toByteArray();
    }

    /**
     * Decodes a complete message written by {@link #encode}.
     *
     * @throws CorruptEncodingException when the bytes are not exactly one filter of this version
     */
    public static Filter decode(byte[] data) {
        return BinaryReader.decode(data, "filter", FilterCodec::read);
    }

    /** Appends {@code filter} (with its version byte) to {@code w}. */
    public static void write(BinaryWriter w, Filter filter) {
        write(w, filter, 0);
    }

    /** Reads a filter written by {@link #write}. */
    public static Filter read(BinaryReader r) {
        return read(r, 0);
    }

    private static void write(BinaryWriter w, Filter f, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("Filter nesting deeper than " + MAX_DEPTH + " levels");
        }
        w.u8(VERSION).u8(f.minShould() != null ? 1 : 0);
        writeConditions(w, f.must(), depth);
        writeConditions(w, f.should(), depth);
        writeConditions(w, f.mustNot(), depth);
        if (f.minShould() != null) {
            w.count(f.minShould().minCount());
            writeConditions(w, f.minShould().conditions(), depth);
        }
    }

    private static Filter read(BinaryReader r, int depth) {
        if (depth > MAX_DEPTH) {
            throw r.corrupt("filter nesting deeper than " + MAX_DEPTH + " levels");
        }
        r.expectVersion(VERSION);
        int flags = r.u8();
        if ((flags & ~1) != 0) {
            throw r.corrupt("unknown filter flags " + flags);
        }
        List<Condition> must = readConditions(r, depth);
        List<Condition> should = readConditions(r, depth);
        List<Condition> mustNot = readConditions(r, depth);
        Filter.MinShould minShould = null;
        if ((flags & 1) != 0) {
            int minCount = r.i32();
            minShould = new Filter.MinShould(readConditions(r, depth), minCount);
        }
        return new Filter(must, should, mustNot, minShould);
    }

    private static void writeConditions(BinaryWriter w, List<Condition> conditions, int depth) {
        w.count(conditions.size());
        for (Condition c : conditions) {
            writeCondition(w, c, depth);
        }
    }

    private static List<Condition> readConditions(BinaryReader r, int depth) {
        int n = r.count(2);
        List<Condition> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readCondition(r, depth));
        }
        return out;
    }

    private static void writeCondition(BinaryWriter w, Condition condition, int depth) {
        switch (condition) {
            case Condition.MatchCondition c -> writeMatch(w.u8(1).str(c.key()), c.match());
            case Condition.RangeCondition c -> {
                w.u8(2).str(c.key()).bool(c.datetime());
                w.u8(mask(c.gt(), c.gte(), c.lt(), c.lte()));
                for (Double b : new Double[] {c.gt(), c.gte(), c.lt(), c.lte()}) {
                    if (b != null) {
                        w.f64(b);
                    }
                }
            }
            case Condition.GeoBoundingBoxCondition c -> {
                w.u8(3).str(c.key());
                writeGeo(w, c.topLeft());
                writeGeo(w, c.bottomRight());
            }
            case Condition.GeoRadiusCondition c -> {
                w.u8(4).str(c.key());
                writeGeo(w, c.center());
                w.f64(c.radiusMeters());
            }
            case Condition.GeoPolygonCondition c -> {
                w.u8(5).str(c.key());
                writeRing(w, c.exterior());
                w.count(c.interiors().size());
                c.interiors().forEach(ring -> writeRing(w, ring));
            }
            case Condition.ValuesCountCondition c -> {
                w.u8(6).str(c.key()).u8(mask(c.gt(), c.gte(), c.lt(), c.lte()));
                for (Long b : new Long[] {c.gt(), c.gte(), c.lt(), c.lte()}) {
                    if (b != null) {
                        w.i64(b);
                    }
                }
            }
            case Condition.IsEmptyCondition c -> w.u8(7).str(c.key());
            case Condition.IsNullCondition c -> w.u8(8).str(c.key());
            case Condition.HasIdCondition c -> w.u8(9).ids(c.ids());
            case Condition.SliceCondition c -> w.u8(10).i32(c.total()).i32(c.index());
            case Condition.HasVectorCondition c -> w.u8(11).str(c.vectorName());
            case Condition.NestedCondition c -> {
                w.u8(12).str(c.key());
                write(w, c.filter(), depth + 1);
            }
            case Condition.FilterCondition c -> {
                w.u8(13);
                write(w, c.filter(), depth + 1);
            }
        }
    }

    private static Condition readCondition(BinaryReader r, int depth) {
        int kind = r.u8();
        return switch (kind) {
            case 1 -> new Condition.MatchCondition(r.str(), readMatch(r));
            case 2 -> {
                String key = r.str();
                boolean datetime = r.bool();
                int mask = readMask(r);
                yield new Condition.RangeCondition(
                        key,
                        (mask & 1) != 0 ? r.f64() : null,
                        (mask & 2) != 0 ? r.f64() : null,
                        (mask & 4) != 0 ? r.f64() : null,
                        (mask & 8) != 0 ? r.f64() : null,
                        datetime);
            }
            case 3 -> new Condition.GeoBoundingBoxCondition(r.str(), readGeo(r), readGeo(r));
            case 4 -> new Condition.GeoRadiusCondition(r.str(), readGeo(r), r.f64());
            case 5 -> {
                String key = r.str();
                List<Condition.GeoPoint> exterior = readRing(r);
                int n = r.count(4);
                List<List<Condition.GeoPoint>> interiors = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    interiors.add(readRing(r));
                }
                yield new Condition.GeoPolygonCondition(key, exterior, interiors);
            }
            case 6 -> {
                String key = r.str();
                int mask = readMask(r);
                yield new Condition.ValuesCountCondition(
                        key,
                        (mask & 1) != 0 ? r.i64() : null,
                        (mask & 2) != 0 ? r.i64() : null,
                        (mask & 4) != 0 ? r.i64() : null,
                        (mask & 8) != 0 ? r.i64() : null);
            }
            case 7 -> new Condition.IsEmptyCondition(r.str());
            case 8 -> new Condition.IsNullCondition(r.str());
            case 9 -> new Condition.HasIdCondition(new LinkedHashSet<>(r.ids()));
            case 10 -> new Condition.SliceCondition(r.i32(), r.i32());
            case 11 -> new Condition.HasVectorCondition(r.str());
            case 12 -> new Condition.NestedCondition(r.str(), read(r, depth + 1));
            case 13 -> new Condition.FilterCondition(read(r, depth + 1));
            default -> throw r.corrupt("unknown condition kind " + kind + ", expected 1..13");
        };
    }

    private static int mask(Object gt, Object gte, Object lt, Object lte) {
        return (gt != null ? 1 : 0) | (gte != null ? 2 : 0) | (lt != null ? 4 : 0) | (lte != null ? 8 : 0);
    }

    private static int readMask(BinaryReader r) {
        int mask = r.u8();
        if ((mask & ~15) != 0) {
            throw r.corrupt("bounds presence mask " + mask + " has bits above 8");
        }
        return mask;
    }

    private static void writeGeo(BinaryWriter w, Condition.GeoPoint p) {
        w.f64(p.lon()).f64(p.lat());
    }

    private static Condition.GeoPoint readGeo(BinaryReader r) {
        return new Condition.GeoPoint(r.f64(), r.f64());
    }

    private static void writeRing(BinaryWriter w, List<Condition.GeoPoint> ring) {
        w.count(ring.size());
        ring.forEach(p -> writeGeo(w, p));
    }

    private static List<Condition.GeoPoint> readRing(BinaryReader r) {
        int n = r.count(16);
        List<Condition.GeoPoint> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readGeo(r));
        }
        return out;
    }

    private static void writeMatch(BinaryWriter w, Match match) {
        switch (match) {
            case Match.Value m -> writeValue(w.u8(1), m.value());
            case Match.Any m -> writeValues(w.u8(2), m.values());
            case Match.Except m -> writeValues(w.u8(3), m.values());
            case Match.Text m -> w.u8(4).str(m.text());
            case Match.Phrase m -> w.u8(5).str(m.phrase());
            case Match.Prefix m -> w.u8(6).str(m.prefix());
            case Match.TextAny m -> w.u8(7).str(m.text());
        }
    }

    private static Match readMatch(BinaryReader r) {
        int kind = r.u8();
        return switch (kind) {
            case 1 -> new Match.Value(readValue(r));
            case 2 -> new Match.Any(readValues(r));
            case 3 -> new Match.Except(readValues(r));
            case 4 -> new Match.Text(r.str());
            case 5 -> new Match.Phrase(r.str());
            case 6 -> new Match.Prefix(r.str());
            case 7 -> new Match.TextAny(r.str());
            default -> throw r.corrupt("unknown match kind " + kind + ", expected 1..7");
        };
    }

    private static void writeValues(BinaryWriter w, List<Object> values) {
        w.count(values.size());
        values.forEach(v -> writeValue(w, v));
    }

    private static List<Object> readValues(BinaryReader r) {
        int n = r.count(2);
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readValue(r));
        }
        return out;
    }

    private static void writeValue(BinaryWriter w, Object value) {
        switch (value) {
            case String s -> w.u8(0).str(s);
            case Long l -> w.u8(1).i64(l);
            case Boolean b -> w.u8(2).bool(b);
            case null, default ->
                throw new IllegalArgumentException("match value must be a String, Long or Boolean, got "
                        + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
        }
    }

    private static Object readValue(BinaryReader r) {
        int tag = r.u8();
        return switch (tag) {
            case 0 -> r.str();
            case 1 -> r.i64();
            case 2 -> r.bool();
            default -> throw r.corrupt("unknown match value tag " + tag + ", expected 0..2");
        };
    }
}
