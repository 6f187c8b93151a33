package io.sextant.segment.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Match;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Full-text index: token → bitmap of offsets, plus each offset's word sequences (one per string
 * value) for phrase matching and unindexing. Answers {@code match text} (every query token occurs
 * in some value of the point; an empty query matches nothing) and {@code match phrase} (the query
 * words occur consecutively within one value). Without this index both are substring matches
 * (Qdrant's rule), so results differ between indexed and unindexed text fields by design. Not
 * thread-safe; see {@link FieldIndex}.
 */
final class TextFieldIndex extends FieldIndex {
    private final TextTokenizer tokenizer;
    private final Map<String, RoaringBitmap> postings = new HashMap<>();
    private final ArrayList<List<List<String>>> perOffset = new ArrayList<>();

    TextFieldIndex(PayloadIndexSpec spec) {
        super(spec);
        this.tokenizer = new TextTokenizer(spec.text());
    }

    @Override
    void removeValues(int offset) {
        List<List<String>> seqs = perOffset.get(offset);
        perOffset.set(offset, null);
        for (String t : tokensOf(seqs)) {
            RoaringBitmap bm = postings.get(t);
            if (bm != null) {
                bm.remove(offset);
                if (bm.isEmpty()) {
                    postings.remove(t);
                }
            }
        }
    }

    @Override
    boolean addValues(int offset, List<JsonNode> values) {
        List<List<String>> seqs = new ArrayList<>(values.size());
        for (JsonNode v : values) {
            List<String> words = tokenizer.words(v.textValue());
            if (!words.isEmpty()) {
                seqs.add(List.copyOf(words));
            }
        }
        if (seqs.isEmpty()) {
            return false;
        }
        ensureSize(perOffset, offset);
        perOffset.set(offset, seqs);
        for (String t : tokensOf(seqs)) {
            postings.computeIfAbsent(t, x -> new RoaringBitmap()).add(offset);
        }
        return true;
    }

    private LinkedHashSet<String> tokensOf(List<List<String>> seqs) {
        LinkedHashSet<String> tokens = new LinkedHashSet<>();
        for (List<String> words : seqs) {
            tokens.addAll(tokenizer.indexTokens(words));
        }
        return tokens;
    }

    @Override
    RoaringBitmap answer(Condition condition) {
        if (!(condition instanceof MatchCondition m)) {
            return null;
        }
        return switch (m.match()) {
            case Match.Text t -> allTokens(tokenizer.queryWords(t.text()));
            case Match.Phrase p -> phrase(tokenizer.queryWords(p.phrase()));
            case Match.TextAny t -> anyToken(tokenizer.queryWords(t.text()));
            default -> null;
        };
    }

    /** Points having at least one of the query words (each checked as {@link #allTokens} checks one). */
    private RoaringBitmap anyToken(List<String> queryWords) {
        RoaringBitmap result = new RoaringBitmap();
        for (String w : new LinkedHashSet<>(queryWords)) {
            result.or(allTokens(List.of(w)));
        }
        return result;
    }

    private RoaringBitmap allTokens(List<String> queryWords) {
        if (queryWords.isEmpty()) {
            return new RoaringBitmap();
        }
        List<RoaringBitmap> parts = new ArrayList<>();
        List<String> toCheck = new ArrayList<>();
        for (String w : new LinkedHashSet<>(queryWords)) {
            RoaringBitmap bm = postings.get(tokenizer.lookupToken(w));
            if (bm == null) {
                return new RoaringBitmap();
            }
            parts.add(bm);
            if (tokenizer.needsCheck(w)) {
                toCheck.add(w);
            }
        }
        parts.sort(Comparator.comparingInt(RoaringBitmap::getCardinality));
        RoaringBitmap result = parts.getFirst().clone();
        for (int i = 1; i < parts.size() && !result.isEmpty(); i++) {
            result.and(parts.get(i));
        }
        if (!toCheck.isEmpty()) {
            RoaringBitmap checked = new RoaringBitmap();
            result.forEach((int offset) -> {
                if (toCheck.stream().allMatch(q -> hasWordStartingWith(perOffset.get(offset), q))) {
                    checked.add(offset);
                }
            });
            return checked;
        }
        return result;
    }

    /** Whether some word of a point's values begins with {@code prefix} (long {@code prefix} queries). */
    private static boolean hasWordStartingWith(List<List<String>> seqs, String prefix) {
        for (List<String> words : seqs) {
            for (String w : words) {
                if (w.startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private RoaringBitmap phrase(List<String> queryWords) {
        RoaringBitmap candidates = allTokens(queryWords);
        RoaringBitmap result = new RoaringBitmap();
        candidates.forEach((int offset) -> {
            for (List<String> words : perOffset.get(offset)) {
                if (containsSequence(words, queryWords)) {
                    result.add(offset);
                    return;
                }
            }
        });
        return result;
    }

    private boolean containsSequence(List<String> words, List<String> query) {
        outer:
        for (int i = 0; i + query.size() <= words.size(); i++) {
            for (int j = 0; j < query.size(); j++) {
                if (!wordMatches(words.get(i + j), query.get(j))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private boolean wordMatches(String docWord, String queryWord) {
        return tokenizer.isPrefix() ? docWord.startsWith(queryWord) : docWord.equals(queryWord);
    }
}
