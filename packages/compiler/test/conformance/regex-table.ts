/**
 * Regexes where Java's engine (Spark) and RE2 (DuckDB) may disagree, each with inputs that show
 * it. The conformance suite runs every pattern through each regex-using step and formula
 * function on real Spark and on DuckDB; unit tests can reuse the table.
 */
export interface RegexCase {
  /** The pattern exactly as a user types it (Java syntax). */
  pattern: string;
  inputs: readonly (string | null)[];
  /** What the case is about. */
  about: string;
}

export const REGEX_CASES: readonly RegexCase[] = [
  {
    about: "$ before a trailing newline",
    pattern: "^abc$",
    inputs: ["abc", "abc\n", "abc\r\n", "xabc", null],
  },
  { about: "$ before a trailing \\r", pattern: "c$", inputs: ["abc\r", "abc\u2028", "abc\u0085", "abc"] },
  {
    about: ". on \\r and Unicode line breaks",
    pattern: "^a.c$",
    inputs: ["a\rc", "a\nc", "a\u2028c", "a\u0085c", "abc", "a🚀c"],
  },
  { about: "(?s) dotall", pattern: "(?s)^a.c$", inputs: ["a\nc", "a\rc", "abc"] },
  { about: "(?m) multiline", pattern: "(?m)^b$", inputs: ["a\nb", "a\r\nb", "b\n", "ab"] },
  { about: "\\b next to non-ASCII letters", pattern: "\\bcaf", inputs: ["écafé", "café", "xcaf", " caf"] },
  { about: "\\b after a non-ASCII letter", pattern: "é\\b", inputs: ["café", "cafée", "éa", "é1"] },
  { about: "\\w on non-ASCII letters", pattern: "^\\w+$", inputs: ["café", "abc", "ß", "a_1", "٣"] },
  { about: "(?i) on non-ASCII", pattern: "(?i)^é$", inputs: ["É", "é", "e"] },
  { about: "(?i) on ß", pattern: "(?i)straße", inputs: ["STRASSE", "STRAßE", "Straße"] },
  { about: "(?iu) Unicode case folding", pattern: "(?iu)^é$", inputs: ["É", "é"] },
  { about: "\\d on non-ASCII digits", pattern: "^\\d+$", inputs: ["123", "٣", "１２"] },
  {
    about: "\\s on vertical tab and NBSP",
    pattern: "^\\s$",
    inputs: ["\u000b", "\u00a0", "\f", " ", "\u2028"],
  },
  { about: "POSIX class, Java syntax", pattern: "^\\p{Alpha}+$", inputs: ["abc", "é", "a1"] },
  { about: "POSIX bracket class, RE2 syntax", pattern: "^[[:alpha:]]+$", inputs: ["abc", "a:", "é"] },
  { about: "Unicode letter class", pattern: "^\\p{L}+$", inputs: ["abcé", "ß", "a1"] },
  { about: "\\p{Lu}", pattern: "\\p{Lu}", inputs: ["aB", "É", "abc"] },
  { about: "&& class intersection", pattern: "^[a-z&&[^aeiou]]+$", inputs: ["bcd", "bad", "&&"] },
  { about: "\\Z end before the final terminator", pattern: "abc\\Z", inputs: ["abc", "abc\n", "abcd"] },
  { about: "\\z absolute end", pattern: "abc\\z", inputs: ["abc", "abc\n"] },
  { about: "\\A start", pattern: "\\Aab", inputs: ["ab", "\nab", "cab"] },
  { about: "\\G previous match end", pattern: "\\Ga", inputs: ["aab", "ba"] },
  { about: "look-behind", pattern: "(?<=a)b", inputs: ["ab", "cb", "b"] },
  { about: "look-ahead", pattern: "a(?=b)", inputs: ["ab", "ac"] },
  { about: "negative look-ahead", pattern: "^(?!x)\\w+", inputs: ["xy", "yx"] },
  { about: "back-reference", pattern: "(\\w)\\1", inputs: ["aa", "ab", "abba"] },
  { about: "possessive quantifier", pattern: "a++b", inputs: ["aab", "b", "aa"] },
  { about: "atomic group", pattern: "(?>a+)b", inputs: ["aab", "ac"] },
  { about: "\\h horizontal whitespace", pattern: "a\\hb", inputs: ["a b", "a\u00a0b", "a\tb", "a\nb"] },
  { about: "\\R line break", pattern: "a\\Rb", inputs: ["a\r\nb", "a\nb", "a b"] },
  { about: "\\Q...\\E quoting", pattern: "\\Qa.b\\E", inputs: ["a.b", "axb"] },
  { about: "named group", pattern: "(?<y>\\d{4})-(\\d{2})", inputs: ["2024-03", "24-03"] },
  { about: "\\x{...} code point", pattern: "\\x{1F680}", inputs: ["🚀", "x"] },
  { about: "\\u escape", pattern: "\\u00e9", inputs: ["é", "e\u0301"] },
  { about: "empty matches", pattern: "x*", inputs: ["abc", ""] },
  { about: "combining marks", pattern: "^e.$", inputs: ["e\u0301", "é"] },
  { about: "emoji as one code point", pattern: "^.$", inputs: ["🚀", "ab", ""] },
  { about: "alternation order", pattern: "a|ab", inputs: ["ab"] },
  { about: "lazy quantifier", pattern: "<.+?>", inputs: ["<a><b>"] },
  { about: "digits group", pattern: "(\\d+)", inputs: ["ab123c45", "none"] },
];
