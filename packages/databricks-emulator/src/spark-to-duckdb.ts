// The emulator's Spark -> DuckDB translation. It is intentionally tiny: Sous' compiler renders
// SparkSQL that sticks to the common subset of both engines (see the research notes, §4), so the
// emulator only needs to rewrite what is *lexically* different, plus the two path-based forms
// Sous uses to read and write datasets on a mount:
//
//   `ident`                                   -> "ident"
//   'it\'s' / "it\'s" / r'raw' / 'a' 'b'      -> 'it''s' / 'raw' / 'ab'   (decoded, re-quoted)
//   FROM parquet.`dbfs:/mnt/x/ds`             -> FROM read_parquet('<local dir>/*.parquet')
//   INSERT OVERWRITE DIRECTORY 'dbfs:/mnt/x/out' USING PARQUET <query>
//                                             -> COPY (<query>) TO '<local dir>/part-0.parquet' (FORMAT parquet)
//
// Function-level differences (date_format, regexp_replace, ...) are NOT translated; a query using
// them fails in DuckDB, which is the honest outcome for a test double.

import { type SparkToken, tokenizeSpark } from "@sous/compiler/spark-lexer";
import { type MountTable, resolveMountedPath, UnmappedPathError } from "./mounts.ts";

export type DuckDbPlan = {
  sql: string;
  /** Local directory the statement overwrites; the caller empties and creates it first. */
  overwriteDirectory?: string;
  /** Whether the statement produces rows (a query) or only a side effect (a write). */
  hasResultSet: boolean;
  /** Local directories (or files) the statement reads; Blob mounts download them first. */
  reads: string[];
  /** For writes: the translated query inside the COPY (the engine may retype its columns). */
  query?: string;
};

export class TranslationError extends Error {
  override readonly name = "TranslationError";
  constructor(
    message: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

export function quoteDuckDbString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteDuckDbIdent(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

const isSignificant = (t: SparkToken) => t.kind !== "space" && t.kind !== "comment";
const isWord = (t: SparkToken | undefined, word: string) =>
  t?.kind === "word" && t.text.toUpperCase() === word;

export function translateSparkToDuckDb(sparkSql: string, mounts: MountTable): DuckDbPlan {
  const tokens = trimStatement(tokenizeSpark(sparkSql));
  const significant = tokens.filter(isSignificant);
  if (isWord(significant[0], "INSERT") && isWord(significant[1], "OVERWRITE")) {
    return translateInsertOverwriteDirectory(tokens, mounts);
  }
  const reads: string[] = [];
  return { sql: translateTokens(tokens, mounts, reads), hasResultSet: true, reads };
}

// Drivers and people both end statements with `;`; DuckDB's COPY (...) wrapper cannot contain one.
function trimStatement(tokens: SparkToken[]): SparkToken[] {
  const out = [...tokens];
  for (;;) {
    const last = out.at(-1);
    if (last && (!isSignificant(last) || (last.kind === "other" && last.text === ";"))) out.pop();
    else return out;
  }
}

function translateInsertOverwriteDirectory(tokens: SparkToken[], mounts: MountTable): DuckDbPlan {
  // Walk the significant tokens of the header, remembering where the query starts.
  let i = 0;
  const nextSignificant = (): SparkToken | undefined => {
    while (i < tokens.length && !isSignificant(tokens[i] as SparkToken)) i++;
    return tokens[i++];
  };
  nextSignificant(); // INSERT
  nextSignificant(); // OVERWRITE
  let tok = nextSignificant();
  if (isWord(tok, "LOCAL")) tok = nextSignificant();
  if (!isWord(tok, "DIRECTORY")) {
    throw new TranslationError(
      "The emulator only supports INSERT OVERWRITE DIRECTORY, not INSERT OVERWRITE into tables",
      "0A000",
    );
  }
  const pathTok = nextSignificant();
  if (pathTok?.kind !== "string") {
    throw new TranslationError("INSERT OVERWRITE DIRECTORY needs the directory as a string literal", "42601");
  }
  if (!isWord(nextSignificant(), "USING")) {
    throw new TranslationError("INSERT OVERWRITE DIRECTORY needs USING <format>", "42601");
  }
  const format = nextSignificant();
  if (!isWord(format, "PARQUET")) {
    throw new TranslationError(
      `The emulator only writes PARQUET directories, not ${format?.text ?? "nothing"}`,
      "0A000",
    );
  }
  const afterFormat = i;
  if (isWord(nextSignificant(), "OPTIONS")) {
    skipParenthesised(nextSignificant);
  } else {
    i = afterFormat;
  }
  const dir = mapPath(pathTok.value, mounts);
  const reads: string[] = [];
  const query = translateTokens(tokens.slice(i), mounts, reads).trim();
  return {
    sql: `COPY (${query}) TO ${quoteDuckDbString(`${dir}/part-0.parquet`)} (FORMAT parquet)`,
    overwriteDirectory: dir,
    hasResultSet: false,
    reads,
    query,
  };
}

// OPTIONS (k 'v', ...) only carries writer tuning (compression etc.) that DuckDB's defaults cover.
function skipParenthesised(next: () => SparkToken | undefined): void {
  const open = next();
  if (open?.text !== "(") throw new TranslationError("OPTIONS must be followed by (...)", "42601");
  let depth = 1;
  while (depth > 0) {
    const t = next();
    if (!t) throw new TranslationError("Unbalanced parentheses in OPTIONS", "42601");
    if (t.text === "(") depth++;
    if (t.text === ")") depth--;
  }
}

function mapPath(clusterPath: string, mounts: MountTable): string {
  try {
    return resolveMountedPath(clusterPath, mounts);
  } catch (e) {
    if (e instanceof UnmappedPathError) {
      throw new TranslationError(
        `[PATH_NOT_FOUND] Path does not exist: ${clusterPath}. ${e.message}`,
        "42K03",
      );
    }
    throw e;
  }
}

function previousSignificant(tokens: SparkToken[], index: number): SparkToken | undefined {
  for (let j = index - 1; j >= 0; j--) {
    const t = tokens[j] as SparkToken;
    if (isSignificant(t)) return t;
  }
  return undefined;
}

function translateTokens(tokens: SparkToken[], mounts: MountTable, reads: string[]): string {
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as SparkToken;
    if (tok.kind === "quoted-ident") {
      out += quoteDuckDbIdent(tok.value);
    } else if (tok.kind === "string") {
      // Spark chains adjacent literals ('a' 'b' = 'ab'); DuckDB only does so across newlines,
      // so merge them here. Whitespace between them is dropped, comments too.
      let value = tok.value;
      let j = i + 1;
      while (j < tokens.length) {
        const t = tokens[j] as SparkToken;
        if (t.kind === "string") value += t.value;
        else if (isSignificant(t)) break;
        j++;
      }
      // Do not swallow trailing whitespace that separated the last literal from what follows.
      while (j > i + 1 && !isSignificant(tokens[j - 1] as SparkToken)) j--;
      out += quoteDuckDbString(value);
      i = j - 1;
    } else if (
      isWord(tok, "PARQUET") &&
      tokens[i + 1]?.text === "." &&
      tokens[i + 2]?.kind === "quoted-ident" &&
      (isWord(previousSignificant(tokens, i), "FROM") || isWord(previousSignificant(tokens, i), "JOIN"))
    ) {
      const pathTok = tokens[i + 2] as { value: string };
      const local = mapPath(pathTok.value, mounts);
      reads.push(local);
      const glob = local.endsWith(".parquet") ? local : `${local}/*.parquet`;
      out += `read_parquet(${quoteDuckDbString(glob)})`;
      i += 2;
    } else {
      out += tok.text;
    }
  }
  return out;
}
