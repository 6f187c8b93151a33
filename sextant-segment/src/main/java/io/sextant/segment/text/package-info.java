/**
 * Text analysis for full-text payload indexes and the server-side BM25 model, matching Qdrant's
 * text options with Lucene's analysis components ({@code lucene-analysis-common}).
 *
 * <p>Decisions and known differences from Qdrant 1.19:
 *
 * <ul>
 *   <li>Stop word lists are Lucene's (the Snowball project's lists where Lucene ships one, else
 *       the language analyzer's default set), not Qdrant's own (NLTK-derived) lists, so a few
 *       words differ: e.g. English "ll", "s", "t", "can", "will", "just" are not stop words here.
 *       Lucene has no list for azerbaijani, chinese, hebrew, hinglish, japanese, kazakh, slovene
 *       and tajik: those names are accepted and remove nothing.
 *   <li>Stemmers are Lucene's Snowball stemmers for Qdrant's 19 Snowball languages.
 *   <li>{@code multilingual} uses Unicode word boundaries (UAX #29) with apostrophes and periods
 *       as separators; there are no dictionaries, so Chinese and Japanese become one token per
 *       ideograph or kana (Qdrant segments them into dictionary words) and Thai runs stay whole.
 *   <li>Lowercasing is per code point (Lucene's {@code LowerCaseFilter}): a final Greek sigma
 *       stays σ where Qdrant writes ς.
 *   <li>Token ids of BM25 are Qdrant's exactly: {@code |murmur3_x86_32(token, 0)|}.
 * </ul>
 */
package io.sextant.segment.text;
