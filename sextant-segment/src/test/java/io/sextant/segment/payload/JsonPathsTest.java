package io.sextant.segment.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.query.PayloadSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPathsTest {
    private static final ObjectMapper M = new ObjectMapper();

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) M.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> values(String payload, String path) {
        return JsonPaths.values(json(payload), path).stream()
                .map(JsonNode::toString)
                .toList();
    }

    @Test
    void readsPlainNestedAndArrayPaths() {
        assertThat(values("{'a': 1}", "a")).containsExactly("1");
        assertThat(values("{'a': [1, 2]}", "a")).containsExactly("1", "2");
        assertThat(values("{'a': [[1], 2]}", "a")).containsExactly("[1]", "2");
        assertThat(values("{'a': {'b': 'x'}}", "a.b")).containsExactly("\"x\"");
        assertThat(values("{'a': [{'b': 1}, {'b': [2, 3]}, {'c': 4}]}", "a[].b"))
                .containsExactly("1", "2", "3");
        // as Qdrant: a key does not walk into an array implicitly; [] does
        assertThat(values("{'a': [{'b': 1}, {'b': 2}]}", "a.b")).isEmpty();
        assertThat(values("{'a': [{'b': 1}, {'b': 2}]}", "a[].b")).containsExactly("1", "2");
        assertThat(values("{'a': {'c': [{'b': 1}]}}", "a.c.b")).isEmpty();
        assertThat(values("{'a': [10, 20, 30]}", "a[1]")).containsExactly("20");
        assertThat(values("{'a': [10]}", "a[5]")).isEmpty();
        assertThat(values("{'a': null}", "a")).containsExactly("null");
        assertThat(values("{'a': 1}", "b")).isEmpty();
        assertThat(values("{'a': 1}", "a.b")).isEmpty();
        assertThat(values("{'a.b': 7}", "\"a.b\"")).containsExactly("7");
        assertThat(JsonPaths.values(null, "a")).isEmpty();
    }

    @Test
    void rejectsMalformedPaths() {
        assertThatThrownBy(() -> JsonPaths.values(json("{}"), "a..b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonPaths.values(json("{}"), "a[x]")).hasMessageContaining("a[x]");
        assertThatThrownBy(() -> JsonPaths.values(json("{}"), "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setMergesAtRootOrPath() {
        ObjectNode t = json("{'a': 1, 'b': {'c': 2}}");
        JsonPaths.set(t, null, json("{'a': 5, 'z': true}"));
        assertThat(t).isEqualTo(json("{'a': 5, 'b': {'c': 2}, 'z': true}"));
        JsonPaths.set(t, "b", json("{'d': 3}"));
        assertThat(t).isEqualTo(json("{'a': 5, 'b': {'c': 2, 'd': 3}, 'z': true}"));
        JsonPaths.set(t, "x.y", json("{'k': 1}"));
        assertThat(t.get("x")).isEqualTo(json("{'y': {'k': 1}}"));
        JsonPaths.set(t, "a", json("{'k': 1}"));
        assertThat(t.get("a")).isEqualTo(json("{'k': 1}"));
        ObjectNode arr = json("{'l': [{'a': 1}, {'a': 2}, 3]}");
        JsonPaths.set(arr, "l[]", json("{'b': 0}"));
        assertThat(arr).isEqualTo(json("{'l': [{'a': 1, 'b': 0}, {'a': 2, 'b': 0}, 3]}"));
    }

    @Test
    void setCopiesTheValue() {
        ObjectNode t = json("{}");
        ObjectNode v = json("{'o': {'p': 1}}");
        JsonPaths.set(t, null, v);
        ((ObjectNode) v.get("o")).put("p", 2);
        assertThat(t.at("/o/p").asInt()).isEqualTo(1);
    }

    @Test
    void deleteRemovesKeysAndElements() {
        ObjectNode t = json("{'a': 1, 'b': {'c': 2, 'd': 3}, 'l': [{'x': 1, 'y': 2}, {'x': 3}], 'n': [1, 2, 3]}");
        JsonPaths.delete(t, "a");
        JsonPaths.delete(t, "b.c");
        JsonPaths.delete(t, "l[].x");
        JsonPaths.delete(t, "n[1]");
        JsonPaths.delete(t, "missing.path");
        assertThat(t).isEqualTo(json("{'b': {'d': 3}, 'l': [{'y': 2}, {}], 'n': [1, 3]}"));
    }

    @Test
    void selectIncludeExcludeAllNone() {
        ObjectNode p = json("{'a': 1, 'b': {'c': 2, 'd': 3}, 'l': [{'x': 1, 'y': 2}, {'x': 3}]}");
        assertThat(JsonPaths.select(p, PayloadSelector.NONE)).isNull();
        assertThat(JsonPaths.select(p, PayloadSelector.ALL)).isEqualTo(p).isNotSameAs(p);
        assertThat(JsonPaths.select(p, new PayloadSelector.Include(List.of("a", "b.d", "zz"))))
                .isEqualTo(json("{'a': 1, 'b': {'d': 3}}"));
        assertThat(JsonPaths.select(p, new PayloadSelector.Include(List.of("b.c", "b.d"))))
                .isEqualTo(json("{'b': {'c': 2, 'd': 3}}"));
        assertThat(JsonPaths.select(p, new PayloadSelector.Include(List.of("l[].x"))))
                .isEqualTo(json("{'l': [{'x': 1}, {'x': 3}]}"));
        assertThat(JsonPaths.select(p, new PayloadSelector.Exclude(List.of("b", "l[].y"))))
                .isEqualTo(json("{'a': 1, 'l': [{'x': 1}, {'x': 3}]}"));
        assertThat(p).isEqualTo(json("{'a': 1, 'b': {'c': 2, 'd': 3}, 'l': [{'x': 1, 'y': 2}, {'x': 3}]}"));
        assertThat(JsonPaths.select(null, PayloadSelector.ALL)).isEqualTo(json("{}"));
    }

    @Test
    void datetimeForms() {
        long base = PayloadValues.parseDateTimeMicros("2024-01-02T03:04:05Z");
        assertThat(base).isEqualTo(1704164645L * 1_000_000L);
        assertThat(PayloadValues.parseDateTimeMicros("2024-01-02T03:04:05")).isEqualTo(base);
        assertThat(PayloadValues.parseDateTimeMicros("2024-01-02 03:04:05")).isEqualTo(base);
        assertThat(PayloadValues.parseDateTimeMicros("2024-01-02T04:04:05+01:00"))
                .isEqualTo(base);
        assertThat(PayloadValues.parseDateTimeMicros("2024-01-02T03:04:05.123456Z"))
                .isEqualTo(base + 123456);
        assertThat(PayloadValues.parseDateTimeMicros("2024-01-02"))
                .isEqualTo(base - (3 * 3600 + 4 * 60 + 5) * 1_000_000L);
        assertThat(PayloadValues.parseDateTimeMicros("yesterday")).isNull();
        assertThat(PayloadValues.parseDateTimeMicros("2024-13-02T00:00:00Z")).isNull();
    }
}
