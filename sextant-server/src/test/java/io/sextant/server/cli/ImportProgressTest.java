package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ImportProgressTest {

    @Test
    void lineShowsDoneTotalPercentRateAndEta() {
        assertThat(ImportProgress.line(12_345, 115_659, 4321.4))
                .isEqualTo("12,345/115,659 points (10.7%), 4,321 points/s, ETA 0:24");
        assertThat(ImportProgress.line(0, 10, 0)).isEqualTo("0/10 points (0.0%), 0 points/s, ETA --:--");
        assertThat(ImportProgress.line(5, -1, 2)).isEqualTo("5 points, 2 points/s");
        assertThat(ImportProgress.clock(3725)).isEqualTo("1:02:05");
    }

    @Test
    void plainLinesWhenNotATerminalAtMostOnePerInterval() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        var p = new ImportProgress(out, false, 1000, 200, now::get, 5_000_000_000L);
        now.set(1_000_000_000L);
        p.advance(100); // 1 s: below the interval, nothing printed
        now.set(5_000_000_000L);
        p.advance(100); // 5 s: printed; 200 points in this run over 5 s
        now.set(6_000_000_000L);
        p.advance(600);
        p.finish();
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines)
                .containsExactly(
                        "import: 400/1,000 points (40.0%), 40 points/s, ETA 0:15",
                        "import: 1,000/1,000 points (100.0%), 133 points/s, ETA 0:00");
    }

    @Test
    void terminalRedrawsABarInPlace() {
        AtomicLong now = new AtomicLong(0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        var p = new ImportProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), true, 100, 0, now::get, 0);
        now.set(1_000_000_000L);
        p.advance(50);
        p.finish();
        String s = buf.toString(StandardCharsets.UTF_8);
        assertThat(s).startsWith("\r[###############...............] 50/100 points (50.0%)");
        assertThat(s.chars().filter(c -> c == '\r').count()).isEqualTo(2);
        assertThat(s).endsWith("\n");
    }
}
