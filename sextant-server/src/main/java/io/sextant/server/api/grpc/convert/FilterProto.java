package io.sextant.server.api.grpc.convert;

import com.google.protobuf.Timestamp;
import io.qdrant.client.grpc.Common;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Filters from {@code qdrant.Filter} to the domain {@link Filter}, with the same semantics as the
 * REST form ({@code api.convert.FilterJson}): one {@code FieldCondition} carries exactly one of
 * match, range, datetime range, geo box/radius/polygon, values count, is_empty or is_null;
 * datetime bounds become epoch microseconds UTC. {@code text_any} matches are refused as
 * unsupported. Stateless and thread-safe.
 */
public final class FilterProto {

    private FilterProto() {}

    /** The filter, or {@link Filter#ALL} when {@code present} is false. */
    public static Filter parseOptional(boolean present, Common.Filter f, String field) {
        return present ? parse(f, field) : Filter.ALL;
    }

    public static Filter parse(Common.Filter f, String field) {
        Filter.MinShould min = null;
        if (f.hasMinShould()) {
            min = new Filter.MinShould(
                    conditions(f.getMinShould().getConditionsList(), field + ".min_should.conditions"),
                    ProtoChecks.toInt(f.getMinShould().getMinCount(), field + ".min_should.min_count"));
        }
        return new Filter(
                conditions(f.getMustList(), field + ".must"),
                conditions(f.getShouldList(), field + ".should"),
                conditions(f.getMustNotList(), field + ".must_not"),
                min);
    }

    private static List<Condition> conditions(List<Common.Condition> list, String field) {
        List<Condition> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(condition(list.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    static Condition condition(Common.Condition c, String field) {
        return switch (c.getConditionOneOfCase()) {
            case FIELD -> fieldCondition(c.getField(), field + ".field");
            case IS_EMPTY -> new Condition.IsEmptyCondition(key(c.getIsEmpty().getKey(), field));
            case IS_NULL -> new Condition.IsNullCondition(key(c.getIsNull().getKey(), field));
            case HAS_ID -> {
                Set<PointId> ids =
                        new LinkedHashSet<>(PointIdProto.parseAll(c.getHasId().getHasIdList(), field + ".has_id"));
                yield new Condition.HasIdCondition(ids);
            }
            case FILTER -> new Condition.FilterCondition(parse(c.getFilter(), field + ".filter"));
            case NESTED ->
                new Condition.NestedCondition(
                        key(c.getNested().getKey(), field + ".nested"),
                        parse(c.getNested().getFilter(), field + ".nested.filter"));
            case HAS_VECTOR -> new Condition.HasVectorCondition(c.getHasVector().getHasVector());
            case CONDITIONONEOF_NOT_SET -> throw ProtoChecks.bad(field, "condition is empty");
        };
    }

    private static String key(String key, String field) {
        if (key.isEmpty()) {
            throw ProtoChecks.bad(field, "key must not be empty");
        }
        return key;
    }

    private static Condition fieldCondition(Common.FieldCondition fc, String field) {
        String key = key(fc.getKey(), field);
        List<Condition> found = new ArrayList<>(1);
        if (fc.hasMatch()) {
            found.add(new Condition.MatchCondition(key, match(fc.getMatch(), field + ".match")));
        }
        if (fc.hasRange()) {
            Common.Range r = fc.getRange();
            found.add(new Condition.RangeCondition(
                    key,
                    r.hasGt() ? r.getGt() : null,
                    r.hasGte() ? r.getGte() : null,
                    r.hasLt() ? r.getLt() : null,
                    r.hasLte() ? r.getLte() : null,
                    false));
        }
        if (fc.hasDatetimeRange()) {
            Common.DatetimeRange r = fc.getDatetimeRange();
            found.add(new Condition.RangeCondition(
                    key,
                    r.hasGt() ? micros(r.getGt()) : null,
                    r.hasGte() ? micros(r.getGte()) : null,
                    r.hasLt() ? micros(r.getLt()) : null,
                    r.hasLte() ? micros(r.getLte()) : null,
                    true));
        }
        try {
            if (fc.hasGeoBoundingBox()) {
                found.add(new Condition.GeoBoundingBoxCondition(
                        key,
                        geo(fc.getGeoBoundingBox().getTopLeft()),
                        geo(fc.getGeoBoundingBox().getBottomRight())));
            }
            if (fc.hasGeoRadius()) {
                found.add(new Condition.GeoRadiusCondition(
                        key,
                        geo(fc.getGeoRadius().getCenter()),
                        fc.getGeoRadius().getRadius()));
            }
            if (fc.hasGeoPolygon()) {
                List<List<Condition.GeoPoint>> interiors = new ArrayList<>();
                for (Common.GeoLineString ring : fc.getGeoPolygon().getInteriorsList()) {
                    interiors.add(ring(ring));
                }
                found.add(new Condition.GeoPolygonCondition(
                        key, ring(fc.getGeoPolygon().getExterior()), interiors));
            }
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad(field, e.getMessage());
        }
        if (fc.hasValuesCount()) {
            Common.ValuesCount v = fc.getValuesCount();
            found.add(new Condition.ValuesCountCondition(
                    key,
                    v.hasGt() ? v.getGt() : null,
                    v.hasGte() ? v.getGte() : null,
                    v.hasLt() ? v.getLt() : null,
                    v.hasLte() ? v.getLte() : null));
        }
        if (fc.hasIsEmpty()) {
            Condition empty = new Condition.IsEmptyCondition(key);
            found.add(
                    fc.getIsEmpty()
                            ? empty
                            : new Condition.FilterCondition(new Filter(null, null, List.of(empty), null)));
        }
        if (fc.hasIsNull()) {
            Condition isNull = new Condition.IsNullCondition(key);
            found.add(
                    fc.getIsNull()
                            ? isNull
                            : new Condition.FilterCondition(new Filter(null, null, List.of(isNull), null)));
        }
        if (found.size() != 1) {
            throw ProtoChecks.bad(
                    field,
                    "a field condition needs exactly one of match, range, datetime_range, geo_bounding_box,"
                            + " geo_radius, geo_polygon, values_count, is_empty, is_null; got " + found.size());
        }
        return found.getFirst();
    }

    private static Match match(Common.Match m, String field) {
        return switch (m.getMatchValueCase()) {
            case KEYWORD -> new Match.Value(m.getKeyword());
            case INTEGER -> new Match.Value(m.getInteger());
            case BOOLEAN -> new Match.Value(m.getBoolean());
            case TEXT -> new Match.Text(m.getText());
            case PHRASE -> new Match.Phrase(m.getPhrase());
            case KEYWORDS -> new Match.Any(List.copyOf(m.getKeywords().getStringsList()));
            case INTEGERS -> new Match.Any(List.copyOf(m.getIntegers().getIntegersList()));
            case EXCEPT_KEYWORDS ->
                new Match.Except(List.copyOf(m.getExceptKeywords().getStringsList()));
            case EXCEPT_INTEGERS ->
                new Match.Except(List.copyOf(m.getExceptIntegers().getIntegersList()));
            case TEXT_ANY -> new Match.TextAny(m.getTextAny());
            case MATCHVALUE_NOT_SET -> throw ProtoChecks.bad(field, "match is empty");
        };
    }

    private static List<Condition.GeoPoint> ring(Common.GeoLineString s) {
        List<Condition.GeoPoint> out = new ArrayList<>(s.getPointsCount());
        for (Common.GeoPoint p : s.getPointsList()) {
            out.add(geo(p));
        }
        return out;
    }

    static Condition.GeoPoint geo(Common.GeoPoint p) {
        return new Condition.GeoPoint(p.getLon(), p.getLat());
    }

    /** A protobuf timestamp as epoch microseconds UTC (the domain's datetime unit). */
    public static double micros(Timestamp t) {
        return t.getSeconds() * 1_000_000.0 + t.getNanos() / 1000;
    }
}
