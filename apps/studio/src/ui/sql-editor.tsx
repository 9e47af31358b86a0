"use client";

import "./formula-editor.css";
import "./sql-editor.css";
import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { type Diagnostic, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, placeholder as placeholderExt } from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { Col } from "./columns.tsx";
import { plural } from "./format.ts";
import { KEYWORD_WORDS, KEYWORDS, sqlName } from "./sql-names.ts";
import { tokenHighlighter } from "./token-highlighter.ts";

export { sqlName } from "./sql-names.ts";

// The SQL recipe's editor: the formula editor's CodeMirror setup (same look, keymaps, lint
// underline), with SparkSQL highlighting, completion of the input tables, their columns, keywords
// and common functions, and the compiler's problems underlined at their line and column.

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

const FUNCTIONS: [string, string][] = [
  ["count", "(expr) -> bigint"],
  ["sum", "(expr) -> number"],
  ["avg", "(expr) -> double"],
  ["min", "(expr)"],
  ["max", "(expr)"],
  ["coalesce", "(a, b, ...)"],
  ["round", "(x, digits)"],
  ["lower", "(s) -> string"],
  ["upper", "(s) -> string"],
  ["trim", "(s) -> string"],
  ["concat", "(a, b, ...) -> string"],
  ["substring", "(s, pos, len) -> string"],
  ["length", "(s) -> int"],
  ["date_trunc", "(unit, ts) -> timestamp"],
  ["to_date", "(s, format) -> date"],
  ["year", "(date) -> int"],
  ["month", "(date) -> int"],
  ["datediff", "(end, start) -> int"],
  ["row_number", "() OVER (...) -> int"],
  ["rank", "() OVER (...) -> int"],
  ["lag", "(expr, n) OVER (...)"],
  ["lead", "(expr, n) OVER (...)"],
  ["abs", "(x)"],
  ["nullif", "(a, b)"],
];

const TOKEN =
  /\s+|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`]|``)*`?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][\w]*|[<>!=]=|<>|\|\||[-+*/%<>=!().,;]|./g;

const unquote = (t: string) =>
  t.startsWith("`") ? t.slice(1, t.endsWith("`") && t.length > 1 ? -1 : undefined).replaceAll("``", "`") : t;

function tokenClass(
  text: string,
  tok: string,
  at: number,
  names: () => { tables: Set<string>; cols: Set<string> },
): string | null {
  const c = tok[0]!;
  if (/\s/.test(c)) return null;
  if (tok.startsWith("--") || tok.startsWith("/*")) return "sql-comment";
  if (c === "'" || c === '"') return "fx-str";
  if (/\d/.test(c)) return "fx-num";
  if (c === "`" || /[A-Za-z_]/.test(c)) {
    const n = names();
    const name = unquote(tok).toLowerCase();
    if (c !== "`" && KEYWORD_WORDS.has(name)) return "fx-kw";
    if (c !== "`" && /^\s*\(/.test(text.slice(at + tok.length))) return "fx-fn";
    if (n.tables.has(name)) return "sql-table";
    if (n.cols.has(name)) return "fx-col";
    return "fx-ident";
  }
  if ("(),.;".includes(c)) return "fx-punct";
  return "fx-op";
}

function highlighter(names: () => { tables: Set<string>; cols: Set<string> }): Extension {
  return tokenHighlighter(TOKEN, () => (text, word, at) => tokenClass(text, word, at, names));
}

function completions(tables: () => SqlTable[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/`[^`]*|[A-Za-z_][\w]*/);
    if (!word && !ctx.explicit) return null;
    const from = word?.from ?? ctx.pos;
    const before = ctx.state.sliceDoc(0, from);
    if ((before.match(/'/g)?.length ?? 0) % 2 === 1) return null;
    // After `table.`: that table's columns only.
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
      return { from, options, validFor: /^(`[^`]*|[A-Za-z_][\w]*)$/ };
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
    for (const [f, sig] of FUNCTIONS)
      options.push({ label: f, apply: `${f}(`, type: "function", detail: sig, section: "Functions" });
    for (const k of KEYWORDS) options.push({ label: k, type: "keyword", section: "Keywords", boost: -1 });
    return { from, options, validFor: /^(`[^`]*|[A-Za-z_][\w]*)$/ };
  };
}

/** Offset of a 1-based line and column in the document (clamped). */
function offsetOf(state: EditorState, line: number, column: number): number {
  const l = state.doc.line(Math.min(Math.max(1, line), state.doc.lines));
  return Math.min(l.from + Math.max(0, column - 1), l.to);
}

function diagnostics(state: EditorState, problems: SqlProblemAt[]): Diagnostic[] {
  const len = state.doc.length;
  return problems.map((p) => {
    let from = offsetOf(state, p.line, p.column);
    let to = Math.max(from, offsetOf(state, p.endLine, p.endColumn));
    // A problem at the end (a missing operand) underlines the last character.
    if (from === to) {
      if (to < len) to++;
      else if (from > 0) from--;
    }
    return { from, to, severity: "error", message: p.message, source: "compiler" };
  });
}

export interface SqlEditorHandle {
  /** Inserts text at the cursor (a table or column clicked in the side list). */
  insert: (text: string) => void;
}

export interface SqlEditorProps {
  value: string;
  onChange: (text: string) => void;
  /** The input tables (completion and highlighting). */
  tables: SqlTable[];
  /** The compiler's problems, underlined where they are. */
  problems: SqlProblemAt[];
  ariaLabel: string;
  testId?: string;
  readOnly?: boolean;
  handle?: { current: SqlEditorHandle | null };
}

/** A SparkSQL editor: CodeMirror with highlighting, completion of inputs and columns, problems underlined. */
export function SqlEditor(props: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;

  // Created once; later props are read through `latest`.
  useEffect(() => {
    if (!host.current) return;
    const names = () => {
      const ts = latest.current.tables;
      return {
        tables: new Set(ts.map((t) => t.name.toLowerCase())),
        cols: new Set(ts.flatMap((t) => t.columns.map((c) => c.name.toLowerCase()))),
      };
    };
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          lineNumbers(),
          history(),
          closeBrackets(),
          autocompletion({ override: [completions(() => latest.current.tables)], icons: false }),
          highlighter(names),
          placeholderExt("SELECT ... FROM <input>"),
          EditorState.readOnly.of(latest.current.readOnly === true),
          EditorView.editable.of(latest.current.readOnly !== true),
          EditorView.contentAttributes.of({
            "aria-label": latest.current.ariaLabel,
            ...(latest.current.testId ? { "data-testid": `${latest.current.testId}-input` } : {}),
          }),
          keymap.of([
            ...closeBracketsKeymap,
            ...completionKeymap,
            ...historyKeymap,
            ...lintKeymap,
            indentWithTab,
            ...defaultKeymap,
          ]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    viewRef.current = view;
    if (latest.current.handle)
      latest.current.handle.current = {
        insert: (text) => {
          const sel = view.state.selection.main;
          view.dispatch({
            changes: { from: sel.from, to: sel.to, insert: text },
            selection: { anchor: sel.from + text.length },
          });
          view.focus();
        },
      };
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, []);

  // The value changed outside (undo in the recipe editor): show it.
  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const current = view.state.doc.toString();
    if (current !== props.value)
      view.dispatch({ changes: { from: 0, to: current.length, insert: props.value } });
  }, [props.value]);

  // New problems or tables: underline and highlight again.
  const key = JSON.stringify([props.problems, props.tables.map((t) => t.name)]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key sums up what the lint and highlight read
  useEffect(() => {
    const view = viewRef.current;
    // The problems come from the server's compile (not a linter run on the text): set them as they arrive.
    if (view) view.dispatch(setDiagnostics(view.state, diagnostics(view.state, latest.current.problems)));
  }, [key]);

  return (
    <div
      ref={host}
      className="formula-editor sql-editor"
      data-testid={props.testId}
      data-invalid={props.problems.length ? true : undefined}
      data-readonly={props.readOnly || undefined}
    />
  );
}
