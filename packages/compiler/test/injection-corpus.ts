/**
 * Names and values built to escape SQL quoting: quotes of every kind, comment and statement
 * terminators, escapes, control and invisible characters. Shared by the injection suites so a
 * case added for one path is tried on the others.
 */
export const INJECTION_CORPUS: readonly string[] = [
  'a"b',
  'a""b',
  "a`b",
  "``",
  "x'; DROP TABLE sentinel; --",
  "'",
  '"',
  ";",
  "-- comment",
  "/* c */",
  "*/",
  "line\nbreak",
  "tab\there",
  "cr\rx",
  "ünïcödé 🚀 名前",
  "back\\slash",
  "\\'",
  "trailing\\",
  " spaced ",
  "$1",
  "?",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder is the point
  "${x}",
  ")",
  "count_",
  "\u200b",
];
