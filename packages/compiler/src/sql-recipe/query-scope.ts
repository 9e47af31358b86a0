import type { SparkSQL } from "dt-sql-parser";

// The SQL recipe's second line of defence, on Spark's own parse tree (dt-sql-parser's Spark 3.5
// grammar): every table the query reads must resolve, in its scope, to one of the recipe's
// inputs or to a CTE visible where it is read. A name collected from another scope (a CTE of a
// subquery, of a later CTE, of a sibling branch) is not visible: Spark would look it up in the
// catalog and DuckDB as a file path, which is how a query could read another project's data.
//
// The walk fails closed: a table reference in a rule it does not know, a table-valued
// function, a qualified or computed function name, or a script TRANSFORM is refused.

/** A parse-tree node as antlr4ng builds it (only what the walk reads). */
interface Node {
  readonly children?: readonly Node[] | null;
  readonly ruleIndex?: number;
  readonly start?: { readonly start: number } | null;
  readonly stop?: { readonly stop: number } | null;
  readonly symbol?: { readonly text?: string; readonly start: number; readonly stop: number };
}

/** A reference the query may not make, as code-point offsets into the checked text. */
interface ScopeProblem {
  start: number;
  end: number;
  message: string;
}

/** Generators allowed in LATERAL VIEW: they expand a column of the row, nothing else. */
const GENERATORS = new Set([
  "explode",
  "explode_outer",
  "posexplode",
  "posexplode_outer",
  "inline",
  "inline_outer",
  "json_tuple",
  "stack",
]);

/**
 * Functions that reach files, other systems, secrets, the JVM or the server's configuration on
 * Spark, Databricks or DuckDB. The DuckDB run is also locked down by the engine; Databricks is
 * not, so these are refused before anything is sent.
 */
const FORBIDDEN_FUNCTIONS: ReadonlySet<string> = new Set([
  // Spark / Databricks
  "reflect",
  "java_method",
  "try_reflect",
  "secret",
  "try_secret",
  "list_secrets",
  "http_request",
  "input_file_name",
  "input_file_block_start",
  "input_file_block_length",
  "vector_search",
  "cloud_files_state",
  "event_log",
  "current_metastore",
  // DuckDB
  "glob",
  "query",
  "query_table",
  "getenv",
  "getvariable",
  "current_setting",
  "which_secret",
  "sniff_csv",
  "csv_scan",
  "load_extension",
  "enable_logging",
  "checkpoint",
  "force_checkpoint",
]);
const FORBIDDEN_FUNCTION_PREFIXES: readonly string[] = [
  "read_",
  "ai_",
  "parquet_",
  "duckdb_",
  "pragma_",
  "sqlite_",
  "postgres_",
  "mysql_",
  "iceberg_",
  "delta_",
  "ducklake_",
  "json_scan",
  "arrow_scan",
  "system_",
];

export function isForbiddenFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_FUNCTIONS.has(lower) || FORBIDDEN_FUNCTION_PREFIXES.some((p) => lower.startsWith(p));
}

/** Rules that must never appear in a SQL recipe's query, whatever they contain. */
const FORBIDDEN_RULES: Readonly<Record<string, string>> = {
  transformClause: "TRANSFORM ... USING runs a script on the cluster",
  dmlStatementNoWith: "it writes data",
  tableProvider: "it reads files through a data source",
};

// The grammar's rule names are fixed; reading them off a parser of the query would lex it again.
let ruleNames: readonly string[] | undefined;
const ruleNamesOf = (parser: SparkSQL) => {
  ruleNames ??= parser.createParser("").ruleNames;
  return ruleNames;
};

/** Rules that name a table the query reads. */
const TABLE_RULES = new Set(["tableName", "viewName", "identifierReference"]);
/** Rules that name a table or view, wherever they appear: only valid under a TABLE_RULES node. */
const NAME_RULES = new Set(["tableIdentifier", "viewIdentifier", "identifierReference", "tableNameCreate"]);

export interface ScopeCheck {
  problems: ScopeProblem[];
  /** Names (lower case) of the CTEs of the query's outermost WITH. */
  topLevelCtes: Set<string>;
  /** The inputs (lower case) the query reads as tables: a name used otherwise (a column) is not one. */
  inputsRead: Set<string>;
  /** The query's parse-tree node (what the translation to DuckDB renders), when it is one query. */
  query?: unknown;
  /** The grammar's rule names, to read the tree's nodes. */
  ruleNames: readonly string[];
}

/**
 * Walks `text` (one query that already passed the syntax check) and returns what it may not
 * read. `inputs` are the recipe's input names; `shadowed` are the inputs a top-level CTE of the
 * query redefines (those are not bound, so they cannot be read under their own name).
 */
export function checkQueryScopes(
  parser: SparkSQL,
  text: string,
  inputNames: readonly string[],
  nameParts: (text: string) => string[] | null,
  /** Accepts a path-based source (`parquet.\`dir\``, as parts): the compiled statement's inputs. */
  pathSource?: (parts: readonly string[]) => boolean,
): ScopeCheck {
  const inputs = new Set(inputNames.map((n) => n.toLowerCase()));
  const rules = ruleNamesOf(parser);
  const tree = parser.parse(text) as unknown as Node;
  const codePoints = Array.from(text);
  const slice = (n: Node) => {
    const start = n.start?.start ?? n.symbol?.start ?? 0;
    const stop = n.stop?.stop ?? n.symbol?.stop ?? start;
    return { start, end: stop + 1, text: codePoints.slice(start, stop + 1).join("") };
  };
  const rule = (n: Node | undefined | null) =>
    n && n.ruleIndex !== undefined && !n.symbol ? rules[n.ruleIndex] : undefined;
  const kids = (n: Node) => n.children ?? [];
  const problems: ScopeProblem[] = [];
  const refuse = (n: Node, message: string) => {
    const s = slice(n);
    problems.push({ start: s.start, end: s.end, message });
  };
  const names = inputNames.length > 0 ? inputNames.map((n) => `\`${n}\``).join(", ") : "none";

  const statements = kids(tree).filter((n) => rule(n) === "singleStatement" && kids(n).length > 0);
  const statement = statements.length === 1 ? kids(statements[0]!)[0] : undefined;
  const query = statement && rule(statement) === "statement" ? kids(statement)[0] : undefined;
  if (statements.length !== 1 || rule(query) !== "query") {
    problems.push({
      start: 0,
      end: codePoints.length,
      message: "A SQL recipe is one query (SELECT or WITH ... SELECT); this is not a query.",
    });
    return { problems, topLevelCtes: new Set(), inputsRead: new Set(), ruleNames: rules };
  }

  const topLevelCtes = new Set<string>();
  for (const c of kids(query!)) {
    if (rule(c) !== "ctes") continue;
    for (const nq of kids(c)) if (rule(nq) === "namedQuery") topLevelCtes.add(cteName(nq).toLowerCase());
  }
  const shadowed = new Set([...inputs].filter((n) => topLevelCtes.has(n)));

  function cteName(nq: Node): string {
    const id = kids(nq).find((k) => rule(k) === "errorCapturingIdentifier");
    const parts = id ? nameParts(slice(id).text) : null;
    return parts?.[0] ?? (id ? slice(id).text : "");
  }

  /** Scopes, innermost last: the CTE names visible at this point of the walk. */
  const scopes: Set<string>[] = [];
  const inputsRead = new Set<string>();
  const visible = (name: string) => scopes.some((s) => s.has(name));

  function tableRef(n: Node) {
    const s = slice(n);
    const hasComputedName = kids(n).some((k) => k.symbol?.text?.toUpperCase() === "IDENTIFIER");
    const parts = hasComputedName ? null : nameParts(s.text);
    if (!parts) {
      refuse(
        n,
        `${s.text} is not allowed in a SQL recipe: it reads tables by name only (the inputs: ${names}).`,
      );
      return;
    }
    const name = parts[0]!.toLowerCase();
    if (pathSource?.(parts)) {
      // one of the statement's own inputs, read by path
    } else if (parts.length > 1) {
      refuse(
        n,
        `Table ${s.text} is not an input of this recipe: a SQL recipe reads only its inputs (${names}) and its own CTEs, by their plain names.`,
      );
    } else if (visible(name)) {
      // a CTE in scope
    } else if (shadowed.has(name)) {
      refuse(
        n,
        `${s.text} here is neither the input (the query's own CTE ${s.text} replaces it) nor that CTE (not defined yet): rename the CTE.`,
      );
    } else if (!inputs.has(name)) {
      refuse(
        n,
        `Table ${s.text} is not an input of this recipe, nor a CTE defined where it is read: a SQL recipe reads only its inputs (${names}) and its own CTEs.`,
      );
    } else {
      inputsRead.add(name);
    }
  }

  function functionName(n: Node, generator: boolean) {
    const s = slice(n);
    const computed = kids(n).some((k) => k.symbol?.text?.toUpperCase() === "IDENTIFIER");
    const parts = computed ? null : nameParts(s.text);
    if (!parts) {
      refuse(n, `${s.text}(...) is not allowed in a SQL recipe: call functions by their plain names.`);
      return;
    }
    const name = parts[parts.length - 1]!;
    if (parts.length > 1) {
      refuse(n, `${s.text}(...) is not allowed in a SQL recipe: call functions by their plain names.`);
    } else if (isForbiddenFunction(name)) {
      refuse(
        n,
        `${name.toLowerCase()}(...) is not allowed in a SQL recipe: it reads files, other systems, secrets or the server's settings. Read the recipe's inputs by their dataset names.`,
      );
    } else if (generator && !GENERATORS.has(name.toLowerCase())) {
      refuse(n, `LATERAL VIEW ${name}(...) is not allowed: use one of ${[...GENERATORS].join(", ")}.`);
    }
  }

  function walk(n: Node) {
    const r = rule(n);
    if (r === undefined) return;
    if (r in FORBIDDEN_RULES) {
      refuse(n, `${slice(n).text.split(/\s/)[0]} is not allowed in a SQL recipe: ${FORBIDDEN_RULES[r]}.`);
      return;
    }
    if (r === "query") {
      // WITH a AS (...), b AS (...) body: a CTE's body sees the CTEs before it, the body sees all.
      const scope = new Set<string>();
      scopes.push(scope);
      for (const c of kids(n)) {
        if (rule(c) === "ctes") {
          for (const nq of kids(c)) {
            if (rule(nq) !== "namedQuery") continue;
            for (const k of kids(nq)) if (rule(k) === "query" || rule(k) === "identifierList") walk(k);
            scope.add(cteName(nq).toLowerCase());
          }
        } else walk(c);
      }
      scopes.pop();
      return;
    }
    if (TABLE_RULES.has(r)) {
      tableRef(n);
      // Nothing under a table name reads data, but IDENTIFIER(expr) holds an expression: refused above.
      return;
    }
    if (NAME_RULES.has(r)) {
      refuse(n, `${slice(n).text} is not allowed here in a SQL recipe.`);
      return;
    }
    if (r === "functionTable") {
      refuse(
        n,
        `${slice(n).text} is not allowed in a SQL recipe: table-valued functions are not; read the inputs (${names}) or write the rows with VALUES.`,
      );
      return;
    }
    if (r === "functionName") {
      functionName(n, false);
      return;
    }
    if (r === "lateralView") {
      // LATERAL VIEW [OUTER] name(args) alias AS cols: the grammar calls the generator a viewName.
      const fn = kids(n).find((k) => rule(k) === "viewName" || rule(k) === "qualifiedName");
      if (fn) functionName(fn, true);
      for (const k of kids(n)) if (k !== fn) walk(k);
      return;
    }
    for (const c of kids(n)) walk(c);
  }
  walk(query!);
  return { problems, topLevelCtes, inputsRead, query, ruleNames: rules };
}
