package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.sextant.collection.TableOfContents;
import io.sextant.server.auth.AccessControl;
import io.sextant.shard.LocalShard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link Error} escaping a handler (an {@link OutOfMemoryError} of one request, a {@link
 * StackOverflowError}) is answered with a 500 in Qdrant's error shape, not an empty body, and the
 * server keeps serving.
 */
class FatalErrorApiTest {
    @TempDir
    Path storage;

    @Test
    void errorsFromAHandlerGetQdrantsErrorBody() throws Exception {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open);
                RestServer server = new RestServer(
                                toc, "127.0.0.1", 0, 1 << 20, AccessControl.open(), (RoutesConfig r) -> {
                                    r.get("/oom", ctx -> {
                                        throw new OutOfMemoryError("Java heap space");
                                    });
                                    r.get("/stack", ctx -> {
                                        throw new StackOverflowError();
                                    });
                                    r.get("/half", ctx -> {
                                        ctx.status(201).result("partial");
                                        throw new OutOfMemoryError("after a result was set");
                                    });
                                })
                        .start()) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            for (String path : new String[] {"/oom", "/stack", "/half"}) {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(500);
                assertThat(r.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                JsonNode body = ApiExchange.MAPPER.readTree(r.body());
                assertThat(body.at("/status/error").asText())
                        .as(r.body())
                        .startsWith("Service internal error: java.lang.")
                        .contains(path.equals("/stack") ? "StackOverflowError" : "OutOfMemoryError");
                assertThat(body.at("/time").isNumber()).as(r.body()).isTrue();
            }
            HttpResponse<String> after = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/collections")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(ApiExchange.MAPPER.readTree(after.body()).at("/status").asText())
                    .isEqualTo("ok");
        }
    }
}
