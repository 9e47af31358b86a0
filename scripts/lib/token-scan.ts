import { stripVTControlCharacters } from "node:util";

// Databricks personal access tokens are "dapi" followed by hex (32 characters today; the tests
// also use letters). Anything that long after "dapi" in a log is a leaked secret.
const TOKEN = /dapi[0-9A-Za-z]{12,}/;
const TOKENS = new RegExp(TOKEN.source, "g");

/** The lines of `text` that hold something shaped like a Databricks token, the token masked. */
export function scanForTokens(text: string): string[] {
  return text
    .split("\n")
    .map((line) => stripVTControlCharacters(line))
    .filter((line) => TOKEN.test(line))
    .map((line) => line.replace(TOKENS, (t) => `${t.slice(0, 6)}…(${t.length} chars)`).slice(0, 300));
}
