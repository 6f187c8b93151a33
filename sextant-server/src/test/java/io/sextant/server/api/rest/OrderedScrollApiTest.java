package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scroll with {@code order_by} over a multi-valued field: one entry per value, with {@code order_value}. */
class OrderedScrollApiTest {

    @TempDir
    static Path storage;

    static TestServer s;

    @BeforeAll
    static void start() {
        s = TestServer.start(storage);
        s.put("/collections/o", "{\"vectors\":{\"size\":2,\"distance\":\"Dot\"}}");
        assertThat(s.put("/collections/o/points?wait=true", """
                        {"points":[{"id":1,"vector":[1,0],"payload":{"m":[5, 1.5]}},
                                   {"id":2,"vector":[1,0],"payload":{"m":3}}]}""").status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    @Test
    void eachValueIsAnEntryWithItsOrderValue() {
        JsonNode points = s.post("/collections/o/points/scroll", "{\"order_by\":\"m\",\"limit\":10}")
                .json()
                .at("/result/points");
        List<String> got = new ArrayList<>();
        points.forEach(p -> got.add(p.get("id").asText() + "@" + p.get("order_value")));
        assertThat(got).containsExactly("1@1.5", "2@3", "1@5");
        assertThat(s.post("/collections/o/points/scroll", "{\"limit\":10}")
                        .json()
                        .at("/result/points/0")
                        .has("order_value"))
                .isFalse();
    }
}
