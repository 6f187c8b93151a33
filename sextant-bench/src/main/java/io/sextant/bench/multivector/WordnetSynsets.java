package io.sextant.bench.multivector;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the synsets of WordNet 3.0's {@code data.noun}, {@code data.verb}, {@code data.adj} and
 * {@code data.adv} files (Debian's {@code wordnet-base}, {@code /usr/share/wordnet}) and splits each
 * gloss into its definition and its quoted usage examples.
 *
 * <p>A data line is {@code offset lex_filenum ss_type w_cnt (word lex_id)... p_cnt (pointer)...
 * [frames] | gloss}; lines starting with two spaces are the licence header. The gloss is {@code
 * definition; "example one"; "example two"}; an example may be followed by an attribution ({@code
 * "..." - Shakespeare}), which is dropped. The definition is the gloss up to its first double quote,
 * without trailing semicolons and blanks. Adjective satellites ({@code s}) count as {@code adj}.
 * Stateless.
 */
public final class WordnetSynsets {
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final String[] FILES = {"noun", "verb", "adj", "adv"};

    /**
     * One synset.
     *
     * @param pos {@code noun}, {@code verb}, {@code adj} or {@code adv}
     * @param offset WordNet byte offset (unique only together with pos)
     * @param lexFile the lexicographer file number ({@code lex_filenum})
     * @param lemmas the words, underscores turned into blanks, adjective markers like {@code (a)} removed
     * @param definition the gloss without its quoted examples
     * @param examples the quoted usage examples, in gloss order, without the quotes; blank ones dropped
     */
    public record Synset(
            String pos, int offset, int lexFile, List<String> lemmas, String definition, List<String> examples) {
        /** The key that identifies the synset: {@code pos:offset}. */
        public String key() {
            return pos + ":" + String.format("%08d", offset);
        }
    }

    private WordnetSynsets() {}

    /** Every synset of the four data files in {@code dir}, in file order (noun, verb, adj, adv). */
    public static List<Synset> read(Path dir) throws IOException {
        List<Synset> out = new ArrayList<>();
        for (String name : FILES) {
            Path file = dir.resolve("data." + name);
            // WordNet 3.0's data files are ASCII apart from a few Latin-1 bytes in glosses
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                int lineNo = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNo++;
                    if (line.startsWith("  ") || line.isBlank()) {
                        continue;
                    }
                    try {
                        out.add(parseLine(line));
                    } catch (RuntimeException e) {
                        throw new IOException(file + " line " + lineNo + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        return out;
    }

    /** Parses one data line. */
    public static Synset parseLine(String line) {
        int bar = line.indexOf(" | ");
        if (bar < 0) {
            throw new IllegalArgumentException("no ' | ' before the gloss in '" + abbreviate(line) + "'");
        }
        String[] f = line.substring(0, bar).trim().split(" +");
        if (f.length < 6) {
            throw new IllegalArgumentException("expected at least 6 fields before the gloss, got " + f.length);
        }
        int offset = Integer.parseInt(f[0]);
        int lexFile = Integer.parseInt(f[1]);
        String pos =
                switch (f[2]) {
                    case "n" -> "noun";
                    case "v" -> "verb";
                    case "a", "s" -> "adj";
                    case "r" -> "adv";
                    default -> throw new IllegalArgumentException("unknown ss_type '" + f[2] + "'");
                };
        int words = Integer.parseInt(f[3], 16);
        if (f.length < 4 + 2 * words) {
            throw new IllegalArgumentException("w_cnt " + words + " but only " + (f.length - 4) + " fields follow");
        }
        List<String> lemmas = new ArrayList<>(words);
        for (int w = 0; w < words; w++) {
            lemmas.add(f[4 + 2 * w].replaceAll("\\([a-z]+\\)$", "").replace('_', ' '));
        }
        String gloss = line.substring(bar + 3).trim();
        return new Synset(pos, offset, lexFile, List.copyOf(lemmas), definition(gloss), examples(gloss));
    }

    /** The gloss up to its first double quote, without trailing semicolons and blanks. */
    public static String definition(String gloss) {
        int quote = gloss.indexOf('"');
        String head = quote < 0 ? gloss : gloss.substring(0, quote);
        return head.replaceAll("[;\\s]+$", "").trim();
    }

    /** The quoted parts of the gloss, trimmed, blank ones dropped; an unmatched last quote is ignored. */
    public static List<String> examples(String gloss) {
        List<String> out = new ArrayList<>();
        Matcher m = QUOTED.matcher(gloss);
        while (m.find()) {
            String e = m.group(1).trim();
            if (!e.isEmpty()) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
