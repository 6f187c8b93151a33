package io.sextant.server.api.grpc.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qdrant.client.grpc.Collections;
import io.sextant.segment.error.UserException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.text.TextAnalysisOptions.Stemmer;
import io.sextant.segment.text.TextAnalysisOptions.Stopwords;
import io.sextant.shard.ShardInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gRPC text index params with stop words, stemmer and ASCII folding, in and back out. */
class IndexProtoTextTest {

    @Test
    void keepsAnalysisOptionsBothWays() {
        var text = Collections.TextIndexParams.newBuilder()
                .setTokenizer(Collections.TokenizerType.Word)
                .setLowercase(false)
                .setAsciiFolding(true)
                .setStopwords(Collections.StopwordsSet.newBuilder()
                        .addLanguages("en")
                        .addCustom("The")
                        .addCustom("LAZY"))
                .setStemmer(Collections.StemmingAlgorithm.newBuilder()
                        .setSnowball(Collections.SnowballParams.newBuilder().setLanguage("english")))
                .build();
        PayloadIndexSpec spec = IndexProto.spec(
                PayloadSchemaType.TEXT,
                Collections.PayloadIndexParams.newBuilder()
                        .setTextIndexParams(text)
                        .build(),
                "field_index_params");
        assertThat(spec.text().lowercase()).isFalse();
        assertThat(spec.text().asciiFolding()).isTrue();
        assertThat(spec.text().stopwords()).isEqualTo(Stopwords.set(List.of("english"), List.of("LAZY", "The")));
        assertThat(spec.text().stemmer()).isEqualTo(Stemmer.snowball("english"));

        var back = IndexProto.schemaInfo(new ShardInfo.FieldSchemaInfo(spec, 3))
                .getParams()
                .getTextIndexParams();
        assertThat(back.getAsciiFolding()).isTrue();
        assertThat(back.getStopwords().getLanguagesList()).containsExactly("english");
        assertThat(back.getStopwords().getCustomList()).containsExactly("LAZY", "The");
        assertThat(back.getStemmer().getSnowball().getLanguage()).isEqualTo("english");
    }

    @Test
    void rejectsUnknownLanguages() {
        var text = Collections.TextIndexParams.newBuilder()
                .setStopwords(Collections.StopwordsSet.newBuilder().addLanguages("klingon"))
                .build();
        assertThatThrownBy(() -> IndexProto.spec(
                        PayloadSchemaType.TEXT,
                        Collections.PayloadIndexParams.newBuilder()
                                .setTextIndexParams(text)
                                .build(),
                        "field_index_params"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("klingon");
    }
}
