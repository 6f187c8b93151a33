package io.sextant.bench.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void readsUserPlusSystemTicksAfterACommandNameWithSpacesAndParens() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 30 0 1000 0 0";
        assertThat(ProcessCpu.parseStat(stat)).isEqualTo((250 + 37) * 10_000_000L);
    }

    @Test
    void thisProcessAndAnUnknownOne() {
        assertThat(ProcessCpu.self()).isPositive();
        assertThat(ProcessCpu.of(ProcessHandle.current().pid())).isPositive();
        assertThat(ProcessCpu.of(Long.MAX_VALUE)).isEqualTo(-1);
    }
}
