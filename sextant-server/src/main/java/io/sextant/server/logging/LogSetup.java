package io.sextant.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import io.sextant.server.config.LogDirectives;
import io.sextant.server.config.LoggingConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from {@link LoggingConfig} at start-up, replacing {@code logback.xml}'s set-up:
 * a console appender (stdout) in text or JSON lines and, when {@code logger.on_disk.enabled}, a
 * file appender rotated by size ({@code log_file}, {@code log_file.1} … {@code log_file.N}). Each
 * appender filters by its own level directives; logger levels are set to the most verbose of both,
 * so statements neither wants are cheap. Jetty and Javalin log at WARN unless a directive names
 * them. Call once from {@code main}; not for concurrent use.
 */
public final class LogSetup {

    /** Text line: UTC time to the millisecond, level, logger, message, then key="value" pairs. */
    static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z', UTC} %5level %logger: %msg%replace( %kvp){'^ $', ''}%n";

    /** How often the file's size is compared with its limit: a file may overshoot by what is logged meanwhile. */
    static final Duration SIZE_CHECK = Duration.buildByMilliseconds(500);

    /** Quiet by default: chatty libraries below WARN are noise for an operator. */
    private static final List<String> QUIET = List.of("org.eclipse.jetty", "io.javalin");

    private LogSetup() {}

    /** Replaces the current Logback configuration with {@code config}. */
    public static void apply(LoggingConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return; // another SLF4J binding: leave it alone
        }
        ctx.reset();
        LogDirectives console = withQuietLibraries(config.console());
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setName("console");
        start(ctx, out, encoder(ctx, config.format()), console);
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(out);
        LogDirectives file = null;
        if (config.file() != null) {
            LoggingConfig.OnDisk d = config.file();
            file = withQuietLibraries(d.levels());
            RollingFileAppender<ILoggingEvent> f = new RollingFileAppender<>();
            f.setName("file");
            f.setContext(ctx);
            f.setFile(d.path().toString());
            f.setBufferSize(new FileSize(d.bufferBytes()));
            FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
            rolling.setContext(ctx);
            rolling.setParent(f);
            rolling.setFileNamePattern(d.path() + ".%i");
            rolling.setMinIndex(1);
            rolling.setMaxIndex(d.maxFiles());
            rolling.start();
            SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
            trigger.setContext(ctx);
            trigger.setMaxFileSize(new FileSize(d.maxFileBytes()));
            trigger.setCheckIncrement(SIZE_CHECK); // logback's default looks once a minute

            trigger.start();
            f.setRollingPolicy(rolling);
            f.setTriggeringPolicy(trigger);
            start(ctx, f, encoder(ctx, d.format()), file);
            root.addAppender(f);
        }
        Set<String> named = new LinkedHashSet<>(console.modules().keySet());
        if (file != null) {
            named.addAll(file.modules().keySet());
        }
        root.setLevel(Level.toLevel(mostVerbose(console.root(), file == null ? null : file.root())));
        for (String name : named) {
            ctx.getLogger(name)
                    .setLevel(Level.toLevel(
                            mostVerbose(console.levelOf(name), file == null ? null : file.levelOf(name))));
        }
    }

    private static LogDirectives withQuietLibraries(LogDirectives d) {
        StringBuilder spec = new StringBuilder(d.root());
        for (String lib : QUIET) {
            if (!d.modules().containsKey(lib)) {
                spec.append(',').append(lib).append("=WARN");
            }
        }
        d.modules().forEach((k, v) -> spec.append(',').append(k).append('=').append(v));
        return LogDirectives.parse(spec.toString());
    }

    private static String mostVerbose(String a, String b) {
        if (b == null) {
            return a;
        }
        return LogDirectives.LEVELS.indexOf(a) <= LogDirectives.LEVELS.indexOf(b) ? a : b;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, LoggingConfig.Format format) {
        if (format == LoggingConfig.Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithMDC(false);
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(ctx);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }

    private static void start(
            LoggerContext ctx,
            ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> appender,
            Encoder<ILoggingEvent> encoder,
            LogDirectives levels) {
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.addFilter(new DirectiveFilter(levels));
        appender.start();
    }

    /** Passes the events its directives enable for the event's logger. */
    static final class DirectiveFilter extends Filter<ILoggingEvent> {
        private final LogDirectives levels;

        DirectiveFilter(LogDirectives levels) {
            this.levels = levels;
            start();
        }

        @Override
        public FilterReply decide(ILoggingEvent e) {
            return levels.enabled(e.getLoggerName(), e.getLevel().toString()) ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }
}
