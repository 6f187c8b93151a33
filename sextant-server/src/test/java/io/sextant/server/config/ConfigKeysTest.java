package io.sextant.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The key registry against the README's table and the repository's complete config/config.yaml. */
class ConfigKeysTest {

    /** Tests run in the module directory; the repository root is its parent. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final String BEGIN =
            "<!-- config-keys:begin (generated from ConfigKeys; ConfigKeysTest checks it) -->\n";
    private static final String END = "<!-- config-keys:end -->";

    @Test
    void readmeTableIsTheRegistry() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        assertThat(b).as("README marker %s", BEGIN).isNotNegative();
        assertThat(e).as("README marker %s", END).isGreaterThan(b);
        String table = readme.substring(b + BEGIN.length(), e);
        assertThat(table)
                .as("README key table; regenerate it from ConfigKeys.markdownTable()")
                .isEqualTo(ConfigKeys.markdownTable());
        assertThat(table.lines().count()).isEqualTo(ConfigKeys.all().size() + 2L);
    }

    @Test
    void repoConfigFileSetsEveryKeyToTheDefaults() throws Exception {
        Path file = ROOT.resolve("config/config.yaml");
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Set<String> leaves = new TreeSet<>();
        leaves(tree, "", leaves);
        Set<String> registered = new TreeSet<>();
        ConfigKeys.all().forEach(k -> registered.add(k.path()));
        assertThat(leaves).as("keys of config/config.yaml").isEqualTo(registered);

        ServerConfig loaded = ConfigLoader.load(file, Map.of(), ConfigLoader.CliOverrides.NONE);
        ServerConfig defaults = ConfigLoader.load(null, Map.of(), ConfigLoader.CliOverrides.NONE);
        assertThat(loaded).isEqualTo(defaults);
        assertThat(loaded.service().enableCors()).isTrue();
        assertThat(loaded.service().grpcEnabled()).isTrue();
    }

    @Test
    void defaultOnlyKeysAcceptWhatTheirNotesSay() {
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            assertThat(k.note()).as(k.path()).isNotBlank();
            if (k.support() == ConfigKeys.Support.DEFAULT_ONLY) {
                assertThat(k.accepted()).as(k.path()).isNotEmpty();
            } else {
                assertThat(k.accepted()).as(k.path()).isEmpty();
            }
            assertThat(ConfigKeys.isSection(k.path()))
                    .as("%s is a key and a section", k.path())
                    .isFalse();
        }
    }

    @Test
    void normalisedValuesCompareAcrossYamlAndEnvironmentSpellings() {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        assertThat(ConfigKeyCheck.normalise(f.numberNode(0.2))).isEqualTo("0.2");
        assertThat(ConfigKeyCheck.normalise(f.textNode("0.20"))).isEqualTo("0.2");
        assertThat(ConfigKeyCheck.normalise(f.textNode(" Normal "))).isEqualTo("normal");
        assertThat(ConfigKeyCheck.normalise(f.textNode(""))).isEqualTo("null");
        assertThat(ConfigKeyCheck.normalise(f.nullNode())).isEqualTo("null");
        assertThat(ConfigKeyCheck.normalise(f.booleanNode(false))).isEqualTo("false");
        assertThat(ConfigKeyCheck.normalise(f.numberNode(10000))).isEqualTo("10000");
        assertThat(ConfigKeyCheck.normalise(f.textNode("1e4"))).isEqualTo("10000");
        assertThat(ConfigKeyCheck.normalise(f.objectNode())).isEqualTo("{}");
    }

    private static void leaves(JsonNode node, String prefix, Set<String> out) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject() && !e.getValue().isEmpty()) {
                leaves(e.getValue(), path, out);
            } else {
                out.add(path);
            }
        }
    }
}
