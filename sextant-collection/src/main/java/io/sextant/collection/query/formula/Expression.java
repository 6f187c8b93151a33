package io.sextant.collection.query.formula;

import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Condition.GeoPoint;
import java.util.List;

/**
 * A node of a formula query's expression tree (Qdrant's {@code Expression}), evaluated per
 * candidate point in double precision by {@link FormulaScorer}. Immutable records.
 */
public sealed interface Expression {

    /** A number (given as a 32-bit float on the wire, as Qdrant's constants are). */
    record Constant(double value) implements Expression {}

    /** {@code "$score"} ({@code index} 0) or {@code "$score[i]"}: the point's score in prefetch {@code i}. */
    record Score(int index) implements Expression {
        public Score {
            if (index < 0) {
                throw new IllegalArgumentException("prefetch index must be >= 0, got " + index);
            }
        }
    }

    /** A payload key whose (single) value must be a number. */
    record Variable(String key) implements Expression {}

    /** A filter condition: 1 when the point satisfies it, else 0. */
    record Matches(Condition condition) implements Expression {}

    /** Haversine distance in meters from {@code origin} to the geo point at payload key {@code to}. */
    record GeoDistance(GeoPoint origin, String to) implements Expression {}

    /** A datetime constant, evaluated as seconds since the epoch. */
    record DatetimeConstant(long epochMicros) implements Expression {}

    /** The datetime at payload key {@code key}, evaluated as seconds since the epoch. */
    record DatetimeKey(String key) implements Expression {}

    /** Product of the terms; 0 as soon as one term is 0. */
    record Mult(List<Expression> terms) implements Expression {
        public Mult {
            terms = List.copyOf(terms);
        }
    }

    /** Sum of the terms (0 when empty). */
    record Sum(List<Expression> terms) implements Expression {
        public Sum {
            terms = List.copyOf(terms);
        }
    }

    /** {@code left / right}; 0 when left is 0; {@code byZeroDefault} (if given) when right is 0. */
    record Div(Expression left, Expression right, Double byZeroDefault) implements Expression {}

    /** One-argument functions. */
    record Unary(UnaryOp op, Expression arg) implements Expression {}

    /** {@code base ^ exponent}. */
    record Pow(Expression base, Expression exponent) implements Expression {}

    /**
     * A decay of {@code |x - target|} into [0, 1]; {@code lambda} folds Qdrant's {@code scale} and
     * {@code midpoint} (see {@link #of}).
     *
     * @param target null = 0
     */
    record Decay(DecayKind kind, Expression x, Expression target, double lambda) implements Expression {

        /**
         * A decay with Qdrant's parameters: output is {@code midpoint} (default 0.5) when {@code
         * |x - target| == scale} (default 1).
         *
         * @throws IllegalArgumentException with Qdrant's message for a midpoint or scale out of range
         */
        public static Decay of(DecayKind kind, Expression x, Expression target, Float midpoint, Float scale) {
            double m = midpoint == null ? 0.5 : midpoint;
            double s = scale == null ? 1.0 : scale;
            if (kind == DecayKind.LIN) {
                if (!(m >= 0.0 && m <= 1.0)) {
                    throw new IllegalArgumentException(
                            "Linear decay midpoint should be in the range [0.0, 1.0], got " + m + ".");
                }
            } else if (!(m > 0.0 && m < 1.0)) {
                throw new IllegalArgumentException("Decay midpoint should be in the range (0.0, 1.0), got " + m + ".");
            }
            if (!(s > 0.0)) {
                throw new IllegalArgumentException("Decay scale should be non-zero positive, got " + s + ".");
            }
            double lambda =
                    switch (kind) {
                        case LIN -> (1.0 - m) / s;
                        case EXP -> Math.log(m) / s;
                        case GAUSS -> Math.log(m) / (s * s);
                    };
            return new Decay(kind, x, target, lambda);
        }
    }

    /** Functions of one argument. */
    enum UnaryOp {
        NEG,
        ABS,
        SQRT,
        EXP,
        LOG10,
        LN
    }

    /** Decay shapes: linear {@code max(0, 1 - λ·d)}, exponential {@code e^(λ·d)}, gaussian {@code e^(λ·d²)}. */
    enum DecayKind {
        LIN,
        EXP,
        GAUSS
    }
}
