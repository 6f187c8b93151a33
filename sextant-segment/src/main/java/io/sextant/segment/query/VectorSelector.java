package io.sextant.segment.query;

import java.util.List;

/** Which vectors a read returns ({@code with_vector}: bool or list of names). */
public sealed interface VectorSelector {
    VectorSelector ALL = new All();
    VectorSelector NONE = new None();

    record All() implements VectorSelector {}

    record None() implements VectorSelector {}

    /** Only these named vectors ("" is the unnamed default vector). */
    record Names(List<String> names) implements VectorSelector {}
}
