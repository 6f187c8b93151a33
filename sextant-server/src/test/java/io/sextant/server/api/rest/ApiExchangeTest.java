package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiExchange#MAPPER} (FastDoubleParser on) reads every request exactly as a default
 * {@link ObjectMapper} (the JDK's {@code Double.parseDouble}) did: same trees, same doubles bit for
 * bit, same floats after the API's {@code floatValue()}, same errors.
 */
class ApiExchangeTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void theSharedMapperUsesTheFastParser() {
        assertThat(ApiExchange.MAPPER.getFactory().isEnabled(StreamReadFeature.USE_FAST_DOUBLE_PARSER))
                .isTrue();
    }

    @Test
    void randomQueryVectorsParseToTheSameTreesAndBits() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder body = new StringBuilder("{\"query\":[");
            int dim = 1 + rnd.nextInt(400);
            for (int d = 0; d < dim; d++) {
                if (d > 0) {
                    body.append(',');
                }
                body.append(
                        switch (rnd.nextInt(6)) {
                            case 0 -> Float.toString((float) rnd.nextGaussian()); // what clients send
                            case 1 -> Double.toString(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(80) - 40));
                            case 2 -> Integer.toString(rnd.nextInt(2001) - 1000);
                            case 3 -> String.format(java.util.Locale.ROOT, "%.17e", rnd.nextDouble());
                            case 4 ->
                                Float.toString(Float.intBitsToFloat(rnd.nextInt()) / 1e10f)
                                        .replace("NaN", "0.5")
                                        .replace("Infinity", "1e39");
                            default ->
                                "0." + Long.toString(Math.abs(rnd.nextLong()))
                                        + Long.toString(Math.abs(rnd.nextLong()));
                        });
            }
            body.append("],\"limit\":10,\"params\":{\"hnsw_ef\":32}}");
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            JsonNode expected = PLAIN.readTree(bytes);
            JsonNode actual = ApiExchange.MAPPER.readTree(bytes);
            assertThat(actual).as("seed %d, body %s", seed, body).isEqualTo(expected);
            JsonNode ev = expected.get("query");
            JsonNode av = actual.get("query");
            for (int d = 0; d < dim; d++) {
                assertThat(Double.doubleToRawLongBits(av.get(d).doubleValue()))
                        .as("seed %d, element %d: %s", seed, d, ev.get(d))
                        .isEqualTo(Double.doubleToRawLongBits(ev.get(d).doubleValue()));
                assertThat(Float.floatToRawIntBits(av.get(d).floatValue()))
                        .isEqualTo(Float.floatToRawIntBits(ev.get(d).floatValue()));
            }
        }
    }

    @Test
    void awkwardNumbersParseAsTheJdkParsesThem() throws Exception {
        List<String> numbers = List.of(
                "0.0",
                "-0.0",
                "1e-400",
                "-1e-400",
                "1e400",
                "-1e400",
                "4.9e-324",
                "2.4703282292062327e-324",
                "2.4703282292062328e-324",
                "1.7976931348623157e308",
                "1.7976931348623158e308",
                "3.4028235e38",
                "3.4028236e38",
                "1.4e-45",
                "7.0e-46",
                "9007199254740993.0",
                "0.30000000000000004",
                "123456789012345678901234567890.5",
                "1E5",
                "1e+5",
                "2.5E-3",
                "0.1000000000000000055511151231257827021181583404541015625");
        for (String n : numbers) {
            byte[] body = ("[" + n + "]").getBytes(StandardCharsets.UTF_8);
            JsonNode expected = PLAIN.readTree(body).get(0);
            JsonNode actual = ApiExchange.MAPPER.readTree(body).get(0);
            assertThat(actual).as(n).isEqualTo(expected);
            assertThat(Double.doubleToRawLongBits(actual.doubleValue()))
                    .as(n)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(n)));
            assertThat(actual.asText()).as(n).isEqualTo(expected.asText());
        }
    }

    @Test
    void malformedNumbersFailWithTheSameMessages() {
        for (String bad : List.of("[1.]", "[1e]", "[.5]", "[1.5.5]", "[-]", "[01.5]", "[1e5x]", "{\"query\":[0.1,")) {
            byte[] body = bad.getBytes(StandardCharsets.UTF_8);
            String expected = message(() -> PLAIN.readTree(body));
            assertThat(expected).as(bad).isNotNull();
            assertThatThrownBy(() -> ApiExchange.MAPPER.readTree(body))
                    .as(bad)
                    .isInstanceOf(JsonProcessingException.class)
                    .hasMessage(expected);
        }
    }

    private interface Read {
        void run() throws Exception;
    }

    private static String message(Read read) {
        try {
            read.run();
            return null;
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
