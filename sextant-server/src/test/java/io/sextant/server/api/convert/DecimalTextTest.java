package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DecimalText#exactDouble} gives {@link Double#parseDouble}'s bits whenever it answers, and
 * answers (not NaN) for what float-printing clients send.
 */
class DecimalTextTest {

    private static double read(String s) {
        return DecimalText.exactDouble(("xx" + s + "yy").toCharArray(), 2, s.length());
    }

    private static void assertSameOrDeclined(String s) {
        double d = read(s);
        if (!Double.isNaN(d)) {
            assertThat(Double.doubleToRawLongBits(d))
                    .as(s)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(s)));
        }
    }

    @Test
    void floatsAsClientsPrintThemTakeTheFastPathExactly() {
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            float f = (float) r.nextGaussian() * (float) Math.pow(10, r.nextInt(9) - 6);
            for (String s : new String[] {
                Float.toString(f), Double.toString(f), String.format(Locale.ROOT, "%.8f", f), Float.toString(f / 1e3f)
            }) {
                double d = read(s);
                if (Float.toString(f).equals(s) || s.indexOf('.') > 0 && s.length() <= 12) {
                    assertThat(d).as(s).isNotNaN();
                }
                assertSameOrDeclined(s);
            }
        }
    }

    @Test
    void randomDecimalsAreExactOrDeclined() {
        Random r = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            if (r.nextBoolean()) {
                s.append('-');
            }
            int intDigits = 1 + r.nextInt(10);
            s.append(r.nextInt(10));
            for (int k = 1; k < intDigits; k++) {
                s.append(r.nextInt(10));
            }
            if (r.nextBoolean()) {
                s.append('.');
                int frac = 1 + r.nextInt(18);
                for (int k = 0; k < frac; k++) {
                    s.append(r.nextInt(10));
                }
            }
            if (r.nextInt(3) == 0) {
                s.append(r.nextBoolean() ? 'e' : 'E');
                int kind = r.nextInt(3);
                s.append(kind == 0 ? "" : kind == 1 ? "+" : "-");
                s.append(r.nextInt(40));
            }
            assertSameOrDeclined(s.toString());
        }
    }

    @Test
    void edgeCases() {
        for (String s : new String[] {
            "0",
            "-0",
            "0.0",
            "-0.0",
            "0e5",
            "1e22",
            "1e23",
            "9007199254740993",
            "123456789012345.6",
            "0.1",
            "1e-22",
            "1e-23",
            "-1.5E+3",
            "4.9e-324",
            "1.7976931348623157e308",
            "0.000000000000000000000000001",
            "1.0000000000000001",
            "999999999999999e22",
            "00012.5"
        }) {
            assertSameOrDeclined(s);
        }
        assertThat(Double.doubleToRawLongBits(read("-0.0"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(read("0.25")).isEqualTo(0.25);
        assertThat(read("-1.5E+3")).isEqualTo(-1500.0);
        // beyond the exact range: declined, the general parser decides
        assertThat(read("1.0000000000000001")).isNaN();
        assertThat(read("1e23")).isNaN();
        assertThat(read("1e-23")).isNaN();
        for (String bad : new String[] {"", "-", ".", "e5", "1e", "1e+", "1x", "1.2.3", "--1"}) {
            assertThat(read(bad)).as(bad).isNaN();
        }
    }
}
