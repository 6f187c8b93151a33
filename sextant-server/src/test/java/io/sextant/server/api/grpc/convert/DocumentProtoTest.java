package io.sextant.server.api.grpc.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import io.sextant.segment.error.UserException;
import io.sextant.segment.text.Bm25Options;
import io.sextant.segment.text.TextAnalysisOptions;
import io.sextant.segment.text.TokenizerKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gRPC documents read as their REST twins. */
class DocumentProtoTest {

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    @Test
    void optionsMapReadsLikeJson() {
        Value stemmer = Value.newBuilder()
                .setStructValue(io.qdrant.client.grpc.JsonWithInt.Struct.newBuilder()
                        .putFields("type", str("snowball"))
                        .putFields("language", str("english")))
                .build();
        Value custom = Value.newBuilder()
                .setListValue(
                        io.qdrant.client.grpc.JsonWithInt.ListValue.newBuilder().addValues(str("Foo")))
                .build();
        Value stopwords = Value.newBuilder()
                .setStructValue(
                        io.qdrant.client.grpc.JsonWithInt.Struct.newBuilder().putFields("custom", custom))
                .build();
        Points.Document d = Points.Document.newBuilder()
                .setText("hello")
                .setModel("Qdrant/BM25")
                .putOptions("k", Value.newBuilder().setIntegerValue(2).build())
                .putOptions("avg_len", Value.newBuilder().setDoubleValue(64.5).build())
                .putOptions("tokenizer", str("whitespace"))
                .putOptions("stemmer", stemmer)
                .putOptions("stopwords", stopwords)
                .build();
        var parsed = DocumentProto.parse(d);
        assertThat(parsed.text()).isEqualTo("hello");
        assertThat(parsed.bm25())
                .isEqualTo(new Bm25Options(
                        2.0,
                        null,
                        64.5,
                        TokenizerKind.WHITESPACE,
                        null,
                        null,
                        null,
                        TextAnalysisOptions.Stopwords.set(null, List.of("Foo")),
                        TextAnalysisOptions.Stemmer.snowball("english"),
                        null,
                        null));
        assertThat(DocumentProto.parse(Points.Document.newBuilder()
                                .setText("x")
                                .setModel("bm25")
                                .build())
                        .bm25())
                .isEqualTo(Bm25Options.DEFAULT);
    }

    @Test
    void rejectsUnknownModelsAndBadOptions() {
        assertThatThrownBy(() -> DocumentProto.parse(Points.Document.newBuilder()
                        .setText("x")
                        .setModel("openai/text-embedding-3-small")
                        .build()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("openai/text-embedding-3-small");
        assertThatThrownBy(() -> DocumentProto.parse(Points.Document.newBuilder()
                        .setText("x")
                        .setModel("qdrant/bm25")
                        .putOptions("b", str("half"))
                        .build()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("Invalid BM25 config");
    }
}
