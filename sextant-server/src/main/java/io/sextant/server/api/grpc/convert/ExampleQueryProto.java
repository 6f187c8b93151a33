package io.sextant.server.api.grpc.convert;

import io.qdrant.client.grpc.Points;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.VectorSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * gRPC forms of the example-driven queries: {@code discover}, {@code context}, {@code sample} and
 * {@code relevance_feedback} in a {@code Query}, and the legacy {@code DiscoverPoints} (a target
 * makes it a discover query, context pairs alone a context query). Validation as over REST: no
 * feedback or a negative {@code b} is INVALID_ARGUMENT. Stateless and thread-safe.
 */
final class ExampleQueryProto {
    private ExampleQueryProto() {}

    static Query.Discover discover(
            Points.DiscoverInput d, String field, BiFunction<Points.VectorInput, String, VectorInput> input) {
        if (!d.hasTarget()) {
            throw ProtoChecks.bad(field + ".target", "target is required");
        }
        return new Query.Discover(
                input.apply(d.getTarget(), field + ".target"),
                pairs(d.getContext().getPairsList(), field + ".context.pairs", input));
    }

    static Query.Context context(
            Points.ContextInput c, String field, BiFunction<Points.VectorInput, String, VectorInput> input) {
        return new Query.Context(pairs(c.getPairsList(), field + ".pairs", input));
    }

    private static List<Query.ContextPair> pairs(
            List<Points.ContextInputPair> list,
            String field,
            BiFunction<Points.VectorInput, String, VectorInput> input) {
        List<Query.ContextPair> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Points.ContextInputPair p = list.get(i);
            String f = field + "[" + i + "]";
            if (!p.hasPositive() || !p.hasNegative()) {
                throw ProtoChecks.bad(f, "Both positive and negative are required in a context pair");
            }
            out.add(new Query.ContextPair(
                    input.apply(p.getPositive(), f + ".positive"), input.apply(p.getNegative(), f + ".negative")));
        }
        return out;
    }

    static Query.Sample sample(Points.Sample s, String field) {
        if (s != Points.Sample.Random) {
            throw ProtoChecks.bad(field, "unknown sample method");
        }
        return new Query.Sample();
    }

    static Query.RelevanceFeedback relevanceFeedback(
            Points.RelevanceFeedbackInput r, String field, BiFunction<Points.VectorInput, String, VectorInput> input) {
        if (!r.hasTarget()) {
            throw ProtoChecks.bad(field + ".target", "target is required");
        }
        if (r.getFeedbackCount() == 0) {
            throw ProtoChecks.bad(field + ".feedback", "feedback elements must be non-empty");
        }
        if (!r.getStrategy().hasNaive()) {
            throw ProtoChecks.bad(field + ".strategy", "a strategy (naive) is required");
        }
        Points.NaiveFeedbackStrategy n = r.getStrategy().getNaive();
        if (!(n.getB() >= 0)) {
            throw ProtoChecks.bad(field + ".strategy.naive.b", "value " + n.getB() + " invalid, must be 0.0 or larger");
        }
        List<Query.Feedback> feedback = new ArrayList<>(r.getFeedbackCount());
        for (int i = 0; i < r.getFeedbackCount(); i++) {
            Points.FeedbackItem item = r.getFeedback(i);
            feedback.add(new Query.Feedback(
                    input.apply(item.getExample(), field + ".feedback[" + i + "].example"), item.getScore()));
        }
        return new Query.RelevanceFeedback(
                input.apply(r.getTarget(), field + ".target"), feedback, n.getA(), n.getB(), n.getC());
    }

    /** Legacy {@code DiscoverPoints} as the query it runs as. */
    static QueryRequest discoverPoints(Points.DiscoverPoints r) {
        List<Query.ContextPair> pairs = new ArrayList<>(r.getContextCount());
        for (int i = 0; i < r.getContextCount(); i++) {
            Points.ContextExamplePair p = r.getContext(i);
            String f = "context[" + i + "]";
            if (!p.hasPositive() || !p.hasNegative()) {
                throw ProtoChecks.bad(f, "Both positive and negative are required in a context pair");
            }
            pairs.add(new Query.ContextPair(
                    example(p.getPositive(), f + ".positive"), example(p.getNegative(), f + ".negative")));
        }
        Query q;
        if (r.hasTarget() && r.getTarget().hasSingle()) {
            q = new Query.Discover(example(r.getTarget().getSingle(), "target.single"), pairs);
        } else if (!pairs.isEmpty()) {
            q = new Query.Context(pairs);
        } else {
            throw ProtoChecks.bad("", "target and/or context_pairs must be specified");
        }
        try {
            return QueryRequest.builder()
                    .query(q)
                    .using(r.hasUsing() ? r.getUsing() : "")
                    .filter(FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"))
                    .params(r.hasParams() ? QueryProto.params(r.getParams()) : null)
                    .limit(ProtoChecks.limit(r.getLimit(), "limit"))
                    .offset(r.hasOffset() ? ProtoChecks.toInt(r.getOffset(), "offset") : 0)
                    .withPayload(
                            PointProto.payloadSelector(r.hasWithPayload(), r.getWithPayload(), PayloadSelector.NONE))
                    .withVector(PointProto.vectorSelector(r.hasWithVectors(), r.getWithVectors(), VectorSelector.NONE))
                    .lookupFrom(r.hasLookupFrom() ? QueryProto.lookup(r.getLookupFrom()) : null)
                    .build();
        } catch (IllegalArgumentException e) {
            throw ProtoChecks.bad("", e.getMessage());
        }
    }

    private static VectorInput example(Points.VectorExample e, String field) {
        return switch (e.getExampleCase()) {
            case ID -> new VectorInput.ById(PointIdProto.parse(e.getId(), field + ".id"));
            case VECTOR -> PointProto.vector(e.getVector(), field + ".vector");
            case EXAMPLE_NOT_SET -> throw ProtoChecks.bad(field, "example is empty");
        };
    }
}
