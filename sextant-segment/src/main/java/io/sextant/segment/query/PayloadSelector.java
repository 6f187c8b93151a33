package io.sextant.segment.query;

import java.util.List;

/** Which payload keys a read returns ({@code with_payload}: bool, include list or exclude). */
public sealed interface PayloadSelector {
    PayloadSelector ALL = new All();
    PayloadSelector NONE = new None();

    record All() implements PayloadSelector {}

    record None() implements PayloadSelector {}

    /** Only these keys (paths). */
    record Include(List<String> keys) implements PayloadSelector {}

    /** Everything but these keys (paths). */
    record Exclude(List<String> keys) implements PayloadSelector {}
}
