package io.sextant.bench.multivector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.bench.multivector.WordnetSynsets.Synset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordnetSynsetsTest {
    // Real lines of WordNet 3.0 (data.verb, data.noun, data.adj, data.adv), pointers shortened.
    static final String BREATHE = "00001740 29 v 04 breathe 0 take_a_breath 0 respire 0 suspire 3 002"
            + " * 00005041 v 0000 * 00004227 v 0000 02 + 02 00 + 08 00 | draw air into, and expel out of, the lungs;"
            + " \"I can breathe better when the air is clean\"; \"The patient is respiring\"  ";
    static final String TELEVISION = "06277280 10 n 04 television 0 telecasting 0 TV 0 video 1 001"
            + " @ 06276697 n 0000 | broadcasting visual images of stationary or moving objects; \"she is a star of"
            + " screen and video\"; \"Television is a medium because it is neither rare nor well done\" - Ernie Kovacs  ";
    static final String OUTBACK = "00020103 00 s 02 outback(a) 0 remote 0 001 & 00019874 a 0000 |"
            + " inaccessible and sparsely populated;  ";
    static final String A_CAPPELLA =
            "00001740 02 r 01 a_cappella 0 000 | without musical accompaniment;" + " \"they performed a cappella\"  ";

    @Test
    void splitsDefinitionAndQuotedExamples() {
        Synset s = WordnetSynsets.parseLine(BREATHE);
        assertThat(s.pos()).isEqualTo("verb");
        assertThat(s.offset()).isEqualTo(1740);
        assertThat(s.lexFile()).isEqualTo(29);
        assertThat(s.key()).isEqualTo("verb:00001740");
        assertThat(s.lemmas()).containsExactly("breathe", "take a breath", "respire", "suspire");
        assertThat(s.definition()).isEqualTo("draw air into, and expel out of, the lungs");
        assertThat(s.examples())
                .containsExactly("I can breathe better when the air is clean", "The patient is respiring");
    }

    @Test
    void dropsAttributionsAfterAnExample() {
        Synset s = WordnetSynsets.parseLine(TELEVISION);
        assertThat(s.pos()).isEqualTo("noun");
        assertThat(s.lemmas()).containsExactly("television", "telecasting", "TV", "video");
        assertThat(s.definition()).isEqualTo("broadcasting visual images of stationary or moving objects");
        assertThat(s.examples())
                .containsExactly(
                        "she is a star of screen and video",
                        "Television is a medium because it is neither rare nor well done");
    }

    @Test
    void satellitesAreAdjectivesWithoutMarkersAndMayHaveNoExamples() {
        Synset s = WordnetSynsets.parseLine(OUTBACK);
        assertThat(s.pos()).isEqualTo("adj");
        assertThat(s.lemmas()).containsExactly("outback", "remote");
        assertThat(s.definition()).isEqualTo("inaccessible and sparsely populated");
        assertThat(s.examples()).isEmpty();
        assertThat(WordnetSynsets.parseLine(A_CAPPELLA).pos()).isEqualTo("adv");
    }

    @Test
    void glossEdgeCases() {
        assertThat(WordnetSynsets.examples("x; \"\"; \" a \"; \"unclosed")).containsExactly("a");
        assertThat(WordnetSynsets.definition("\"only an example\"")).isEmpty();
        assertThat(WordnetSynsets.definition("plain gloss")).isEqualTo("plain gloss");
    }

    @Test
    void rejectsMalformedLines() {
        assertThatThrownBy(() -> WordnetSynsets.parseLine("00001740 29 v 04 breathe 0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("' | '");
        assertThatThrownBy(() -> WordnetSynsets.parseLine("00001740 29 x 01 word 0 000 | gloss"))
                .hasMessageContaining("ss_type 'x'");
        assertThatThrownBy(() -> WordnetSynsets.parseLine("00001740 29 v 09 word 0 000 | gloss"))
                .hasMessageContaining("w_cnt 9");
    }

    @Test
    void readsTheFourFilesSkippingTheLicenceHeader(@TempDir Path dir) throws IOException {
        String header = "  1 This software and database is being provided to you, the LICENSEE, by  \n";
        Files.writeString(dir.resolve("data.noun"), header + TELEVISION + "\n");
        Files.writeString(dir.resolve("data.verb"), header + BREATHE + "\n");
        Files.writeString(dir.resolve("data.adj"), header + OUTBACK + "\n");
        Files.writeString(dir.resolve("data.adv"), header + A_CAPPELLA + "\n");
        List<Synset> all = WordnetSynsets.read(dir);
        assertThat(all)
                .extracting(Synset::key)
                .containsExactly("noun:06277280", "verb:00001740", "adj:00020103", "adv:00001740");
        Files.writeString(dir.resolve("data.adv"), header + "garbage line\n");
        assertThatThrownBy(() -> WordnetSynsets.read(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("data.adv line 2");
    }
}
