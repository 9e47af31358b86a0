// What the emulator lets through to Spark. A real cluster reaches only its storage; the local
// Spark runs on the host, so the emulator fails closed: a statement is one query, or one
// `INSERT OVERWRITE DIRECTORY '<dbfs path under a mount>' USING PARQUET <query>`, and the query
// passes the same checker Sous runs before sending anything to Databricks (@sous/compiler's
// sparkQueryProblems): it reads by path only `parquet.\`dbfs:/...\`` under a mount, no other
// table, no table-valued function, nothing that reaches files, the JVM or settings. So no
// file:/ or bare host path, text./csv. sources, read_files, LOAD DATA, ADD JAR, CREATE FUNCTION,
// SET, reflect or java_method reaches Spark. Behind it, Spark resolves dbfs: through the mounts'
// view file system only (python/sous_spark), so a path the checker let through still sees
// nothing but the mounts.
import { sparkQueryProblems } from "@sous/compiler";
import { SparkLexError, type SparkToken, tokenizeSpark, withOffsets } from "@sous/compiler/spark-lexer";
import { SparkSQL } from "dt-sql-parser";
import { type MountTable, resolveMountedPath, UnmappedPathError } from "./mounts.ts";

export type GuardedStatement =
  | {
      ok: true;
      /** The statement as Spark will run it (the client's text, trailing `;` dropped). */
      sql: string;
      /** Whether it produces rows (a query) or only writes a folder. */
      hasResultSet: boolean;
      /** Local folders (or files) it reads: Blob mounts download them first. */
      reads: string[];
      /** The local folder it overwrites, for Blob mounts to upload after. */
      overwriteDirectory?: string;
    }
  | { ok: false; message: string; sqlState: string };

const parser = new SparkSQL();
const isSignificant = (t: SparkToken) => t.kind !== "space" && t.kind !== "comment";
const isWord = (t: SparkToken | undefined, word: string) =>
  t?.kind === "word" && t.text.toUpperCase() === word;

const refused = (why: string): GuardedStatement => ({
  ok: false,
  // 42501: insufficient privilege, what a workspace answers for what a user may not do.
  message: `[INSUFFICIENT_PERMISSIONS] The Databricks emulator refuses this statement: ${why} SQLSTATE: 42501`,
  sqlState: "42501",
});

const syntaxError = (line: number, column: number, message: string): GuardedStatement => ({
  ok: false,
  message: `[PARSE_SYNTAX_ERROR] Syntax error at or near line ${line}, position ${column}: ${message}. SQLSTATE: 42601`,
  sqlState: "42601",
});

/** Is `clusterPath` a dbfs: path under a mount? Its local folder, or undefined. */
function mounted(clusterPath: string, mounts: MountTable): string | undefined {
  if (!/^dbfs:\//i.test(clusterPath)) return undefined;
  try {
    return resolveMountedPath(clusterPath, mounts);
  } catch (e) {
    if (e instanceof UnmappedPathError) return undefined;
    throw e;
  }
}

export function guardStatement(statement: string, mounts: MountTable): GuardedStatement {
  let tokens: SparkToken[];
  try {
    tokens = tokenizeSpark(statement);
  } catch (e) {
    if (e instanceof SparkLexError)
      return { ok: false, message: `[PARSE_SYNTAX_ERROR] ${e.message}`, sqlState: "42601" };
    throw e;
  }
  // Drivers and people end statements with `;`.
  while (tokens.length > 0) {
    const last = tokens.at(-1)!;
    if (!isSignificant(last) || (last.kind === "other" && last.text === ";")) tokens.pop();
    else break;
  }
  const sql = tokens.map((t) => t.text).join("");
  const syntax = parser.validate(sql)[0];
  if (syntax) return syntaxError(syntax.startLine, syntax.startColumn, syntax.message);

  const significant = withOffsets(tokens).filter((t) => isSignificant(t.token));
  let queryStart = 0;
  let overwriteDirectory: string | undefined;
  if (isWord(significant[0]?.token, "INSERT")) {
    // INSERT OVERWRITE DIRECTORY '<path>' USING PARQUET <query>: how Sous writes a dataset.
    const [, overwrite, directory, target, using, format, next] = significant.map((t) => t.token);
    if (!isWord(overwrite, "OVERWRITE") || !isWord(directory, "DIRECTORY"))
      return refused("it writes only with INSERT OVERWRITE DIRECTORY '<dbfs path>' USING PARQUET <query>.");
    if (target?.kind !== "string")
      return refused("INSERT OVERWRITE DIRECTORY takes the folder as a string literal under a mount.");
    if (!isWord(using, "USING") || !isWord(format, "PARQUET") || isWord(next, "OPTIONS"))
      return refused("it writes only Parquet folders, without OPTIONS (USING PARQUET <query>).");
    overwriteDirectory = mounted(target.value, mounts);
    if (!overwriteDirectory)
      return refused(
        `${target.value} is not under a mount of this workspace (${Object.keys(mounts).join(", ") || "none"}).`,
      );
    queryStart = significant[6]?.offset ?? sql.length;
  }
  const query = sql.slice(queryStart);
  const reads: string[] = [];
  // Any dbfs: path may be read: one outside the mounts is PATH_NOT_FOUND from Spark's view file
  // system, as on a workspace where nothing is there.
  const problems = sparkQueryProblems(query, (dir) => {
    const local = mounted(dir, mounts);
    if (local) reads.push(local);
    return /^dbfs:\//i.test(dir);
  });
  if (problems.length > 0)
    return refused(`it is not one query that reads Parquet under the mounts (${problems.join(" ")}).`);
  return {
    ok: true,
    sql,
    hasResultSet: overwriteDirectory === undefined,
    reads,
    ...(overwriteDirectory ? { overwriteDirectory } : {}),
  };
}
