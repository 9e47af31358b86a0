import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { keywordCompletionSource, SQLDialect } from "@codemirror/lang-sql";
import { syntaxTree } from "@codemirror/language";
import type { Diagnostic } from "@codemirror/lint";
import type { EditorState } from "@codemirror/state";
import { underlineRange } from "./code-editor-setup.ts";
import type { Col } from "./columns.tsx";
import { plural } from "./format.ts";
import { SPARK_FUNCTIONS, SPARK_KEYWORDS, sqlName } from "./sql-names.ts";
import { markHighlighter, type TokenMark } from "./token-highlighter.ts";

// The SQL editor's language, apart from the component (sql-editor.tsx) so it can be tested
// without a browser: @codemirror/lang-sql's parser in a SparkSQL dialect, the names the page
// knows coloured over it, completion of inputs, columns and the dialect's words, and the
// compiler's problems as diagnostics.

export interface SqlTable {
  name: string;
  columns: Col[];
}

/** Where the compiler found something wrong (1-based lines and columns, as SqlProblem). */
export interface SqlProblemAt {
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * SparkSQL as the studio writes it: backticked names, strings in single or double quotes with
 * backslash escapes, the keywords sqlName quotes and the common functions as builtins (no type
 * words: a column named `date` stays a name).
 */
export const SparkSQL = SQLDialect.define({
  keywords: SPARK_KEYWORDS,
  builtin: Object.keys(SPARK_FUNCTIONS).join(" "),
  identifierQuotes: "`",
  doubleQuotedStrings: true,
  backslashEscapes: true,
});

const unquote = (t: string) =>
  t.startsWith("`") ? t.slice(1, t.endsWith("`") && t.length > 1 ? -1 : undefined).replaceAll("``", "`") : t;

export interface Names {
  tables: Set<string>;
  cols: Set<string>;
}

/** The names in the parsed text, coloured as a call, an input table, one of its columns or another name. */
export function nameMarks(names: () => Names) {
  return markHighlighter(function* (view): Iterable<TokenMark> {
    const { state } = view;
    const n = names();
    const out: TokenMark[] = [];
    syntaxTree(state).iterate({
      enter(node) {
        if (node.name === "Dot") out.push({ from: node.from, to: node.to, cls: "fx-punct" });
        if (node.name !== "Identifier" && node.name !== "QuotedIdentifier" && node.name !== "Builtin") return;
        const tok = state.sliceDoc(node.from, node.to);
        const name = unquote(tok).toLowerCase();
        let cls = "fx-ident";
        if (node.name !== "QuotedIdentifier" && /^\s*\(/.test(state.sliceDoc(node.to, node.to + 200)))
          cls = "fx-fn";
        else if (n.tables.has(name)) cls = "sql-table";
        else if (n.cols.has(name)) cls = "fx-col";
        out.push({ from: node.from, to: node.to, cls });
      },
    });
    yield* out;
  });
}

const NAME = /^(`[^`]*|[A-Za-z_][\w]*)$/;

/** The input tables and their columns (after `table.`: that table's columns only). */
export function nameCompletions(tables: () => SqlTable[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/`[^`]*|[A-Za-z_][\w]*/);
    if (!word && !ctx.explicit) return null;
    const from = word?.from ?? ctx.pos;
    const before = ctx.state.sliceDoc(0, from);
    if ((before.match(/'/g)?.length ?? 0) % 2 === 1) return null;
    const qualified = /(`(?:[^`]|``)+`|[A-Za-z_][\w]*)\.$/.exec(before);
    const options: Completion[] = [];
    if (qualified) {
      const t = tables().find((x) => x.name.toLowerCase() === unquote(qualified[1]!).toLowerCase());
      for (const c of t?.columns ?? [])
        options.push({
          label: c.name,
          apply: sqlName(c.name),
          type: "variable",
          detail: c.type,
          section: t?.name,
        });
      return { from, options, validFor: NAME };
    }
    for (const t of tables()) {
      options.push({
        label: t.name,
        apply: sqlName(t.name),
        type: "class",
        detail: `input · ${plural(t.columns.length, "column")}`,
        boost: 3,
        section: "Inputs",
      });
      for (const c of t.columns)
        options.push({
          label: c.name,
          apply: sqlName(c.name),
          type: "variable",
          detail: `${c.type} · ${t.name}`,
          boost: 2,
          section: "Columns",
        });
    }
    return { from, options, validFor: NAME };
  };
}

const dialectWords = keywordCompletionSource(SparkSQL, true, (label): Completion => {
  const f = label.toLowerCase();
  return f in SPARK_FUNCTIONS
    ? { label: f, apply: `${f}(`, type: "function", detail: SPARK_FUNCTIONS[f], section: "Functions" }
    : { label, type: "keyword", section: "Keywords", boost: -1 };
});
// The dialect also knows `unknown`, which the studio's SparkSQL does not offer.
const OFFERED = new Set([...SPARK_KEYWORDS.split(" "), ...Object.keys(SPARK_FUNCTIONS)]);

/** The dialect's words: keywords upper-case, builtins as functions with their signature. */
export async function wordCompletions(ctx: CompletionContext): Promise<CompletionResult | null> {
  // After `table.` only that table's columns are offered (nameCompletions).
  if (ctx.matchBefore(/\.(`[^`]*|[A-Za-z_]\w*)?$/)) return null;
  const r = await dialectWords(ctx);
  return r && { ...r, options: r.options.filter((o) => OFFERED.has(o.label.toLowerCase())) };
}

/** Offset of a 1-based line and column in the document (clamped). */
function offsetOf(state: EditorState, line: number, column: number): number {
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines));
  return Math.min(l.from + Math.max(0, column - 1), l.to);
}

export function diagnostics(state: EditorState, problems: SqlProblemAt[]): Diagnostic[] {
  return problems.map((p) => {
    const from = offsetOf(state, p.line, p.column);
    const to = Math.max(from, offsetOf(state, p.endLine, p.endColumn));
    return {
      ...underlineRange(from, to, state.doc.length),
      severity: "error",
      message: p.message,
      source: "compiler",
    };
  });
}
