package io.sextant.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.server.config.LogDirectives;
import io.sextant.server.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LogSetup}: text and JSON lines, per-logger directives, a file with its own levels, size
 * rotation. Console output is captured, and logback.xml's set-up is restored after each test.
 */
class LogSetupTest {

    @TempDir
    Path dir;

    private final PrintStream stdout = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restore() throws Exception {
        System.setOut(stdout);
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    @Test
    void textLinesWithPerLoggerDirectives() {
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LogSetup.apply(
                new LoggingConfig(LogDirectives.parse("WARN,io.sextant.shard=DEBUG"), LoggingConfig.Format.TEXT, null));
        LoggerFactory.getLogger("io.sextant.shard.LocalShard").debug("shard detail {}", 7);
        LoggerFactory.getLogger("io.sextant.collection.Collection").info("collection chatter");
        LoggerFactory.getLogger("io.sextant.collection.Collection").warn("collection warning");
        LoggerFactory.getLogger("io.sextant.server.X")
                .atWarn()
                .addKeyValue("port", 6333)
                .log("with pairs");
        LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("jetty chatter");
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z DEBUG io\\.sextant\\.shard\\.LocalShard: shard detail 7");
        assertThat(lines.get(1)).endsWith(" WARN io.sextant.collection.Collection: collection warning");
        assertThat(lines.get(2)).endsWith(" WARN io.sextant.server.X: with pairs port=\"6333\"");
    }

    @Test
    void jsonLinesOnTheConsoleAndATextFileWithItsOwnLevels() throws Exception {
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Path file = dir.resolve("logs/sextant.log");
        LogSetup.apply(new LoggingConfig(
                LogDirectives.parse("INFO"),
                LoggingConfig.Format.JSON,
                new LoggingConfig.OnDisk(
                        file,
                        LogDirectives.parse("ERROR,io.sextant.wal=TRACE"),
                        LoggingConfig.Format.TEXT,
                        64,
                        1 << 20,
                        3)));
        Logger wal = LoggerFactory.getLogger("io.sextant.wal.Wal");
        Logger other = LoggerFactory.getLogger("io.sextant.Other");
        wal.trace("wal trace");
        other.info("other info");
        other.error("other error");
        List<String> console = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(console).hasSize(2);
        ObjectMapper m = new ObjectMapper();
        JsonNode first = m.readTree(console.get(0));
        assertThat(first.path("level").asText()).isEqualTo("INFO");
        assertThat(first.path("loggerName").asText()).isEqualTo("io.sextant.Other");
        assertThat(first.path("formattedMessage").asText()).isEqualTo("other info");
        LogSetup.apply(LoggingConfig.DEFAULTS); // closes the file
        List<String> written = Files.readAllLines(file);
        assertThat(written).hasSize(2);
        assertThat(written.get(0)).endsWith("TRACE io.sextant.wal.Wal: wal trace");
        assertThat(written.get(1)).endsWith("ERROR io.sextant.Other: other error");
    }

    @Test
    void fileIsRotatedBySizeKeepingMaxFiles() throws Exception {
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Path file = dir.resolve("r.log");
        LogSetup.apply(new LoggingConfig(
                LogDirectives.parse("OFF"),
                LoggingConfig.Format.TEXT,
                new LoggingConfig.OnDisk(file, LogDirectives.parse("INFO"), LoggingConfig.Format.TEXT, 64, 2048, 2)));
        Logger log = LoggerFactory.getLogger("io.sextant.Rotation");
        String filler = "x".repeat(200);
        for (int i = 0; i < 50; i++) { // ~1 KiB each 50 ms, over 2.5 s: the size is checked twice a second
            for (int j = 0; j < 5; j++) {
                log.info("line {} {}", i * 5 + j, filler);
            }
            Thread.sleep(50);
        }
        LogSetup.apply(LoggingConfig.DEFAULTS);
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty(); // console OFF
        assertThat(dir.resolve("r.log.1")).exists();
        assertThat(dir.resolve("r.log.2")).exists();
        assertThat(dir.resolve("r.log.3")).doesNotExist();
        assertThat(Files.size(dir.resolve("r.log.1"))).isLessThan(2048 + 64 * 1024);
        String last = Files.readAllLines(file).getLast();
        assertThat(last).contains("line 249 ");
    }
}
