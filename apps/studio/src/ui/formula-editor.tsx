"use client";

import "./formula-editor.css";
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { type Diagnostic, forceLinting, linter } from "@codemirror/lint";
import type { Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import type { ColumnType } from "@sous/contracts";
import { useEffect, useMemo, useState } from "react";
import { type CodeEditorProps, underlineRange, useCodeEditor } from "./code-editor-setup.ts";
import type { Col } from "./columns.tsx";
import { checkFormulaText, type FormulaCheck, formulaCatalog } from "./formula-check.ts";
import { tokenHighlighter } from "./token-highlighter.ts";

export { checkFormulaText, type FormulaCheck, formulaCatalog };

// The formula language's editor: the studio's CodeMirror setup (code-editor-setup.ts) with
// highlighting, completion of columns and
// functions with their signatures, and the compiler's checker run in the browser, its errors
// underlined where they are (message on hover) and summed up under the field.

const KEYWORDS = ["true", "false", "null", "and", "or", "not"];
const AGGREGATES = new Set(["sum", "avg", "min", "max", "count", "countDistinct", "stddev", "variance"]);

// ---- highlighting -------------------------------------------------------------------------

const TOKEN =
  /\s+|'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`]|``)*`?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][\w]*|&&|\|\||[=!<>]=|<>|[-+*/%<>=!().,]|./g;

function tokenClass(text: string, tok: string, at: number, columns: ReadonlySet<string>): string | null {
  const c = tok[0]!;
  if (/\s/.test(c)) return null;
  if (c === "'" || c === '"') return "fx-str";
  if (c === "`") return "fx-col";
  if (/\d/.test(c)) return "fx-num";
  if (/[A-Za-z_]/.test(c)) {
    if (KEYWORDS.includes(tok.toLowerCase())) return "fx-kw";
    const rest = text.slice(at + tok.length);
    if (/^\s*\(/.test(rest)) return "fx-fn";
    if (text[at - 1] === ".") return "fx-fn";
    return columns.has(tok) ? "fx-col" : "fx-ident";
  }
  if ("(),.".includes(c)) return "fx-punct";
  return "fx-op";
}

function highlighter(columns: () => ReadonlySet<string>): Extension {
  return tokenHighlighter(TOKEN, () => {
    const cols = columns();
    return (text, word, at) => tokenClass(text, word, at, cols);
  });
}

// ---- completion ---------------------------------------------------------------------------

const SAFE_NAME = /^[A-Za-z_][\w]*$/;
const quoteName = (n: string) =>
  SAFE_NAME.test(n) && !KEYWORDS.includes(n.toLowerCase()) ? n : `\`${n.replaceAll("`", "``")}\``;

function completions(columns: () => Col[], aggregate: () => boolean) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/`[^`]*|[A-Za-z_][\w]*/);
    if (!word && !ctx.explicit) return null;
    const from = word?.from ?? ctx.pos;
    // After a dot: a method-style call, functions only.
    const afterDot = ctx.state.sliceDoc(from - 1, from) === ".";
    const inString = (() => {
      const before = ctx.state.sliceDoc(0, from);
      return (before.match(/'/g)?.length ?? 0) % 2 === 1 || (before.match(/"/g)?.length ?? 0) % 2 === 1;
    })();
    if (inString) return null;
    const options: Completion[] = [];
    if (!afterDot) {
      for (const c of columns()) {
        options.push({
          label: c.name,
          apply: quoteName(c.name),
          type: "variable",
          detail: c.type,
          boost: 2,
          section: "Columns",
        });
      }
    }
    for (const f of formulaCatalog()) {
      options.push({
        label: f.name,
        apply: `${f.name}(`,
        type: "function",
        detail: f.signature.slice(f.name.length),
        info: () => {
          const el = document.createElement("div");
          el.className = "fx-info";
          const sig = el.appendChild(document.createElement("code"));
          sig.textContent = f.signature;
          el.appendChild(document.createElement("p")).textContent = f.description;
          if (f.example) {
            const ex = el.appendChild(document.createElement("div"));
            ex.className = "fx-example";
            ex.textContent = `e.g. ${f.example}`;
          }
          if (f.engines.spark.level !== "full" || f.engines.duckdb.level !== "full") {
            const note = el.appendChild(document.createElement("div"));
            note.className = "fx-engines";
            note.textContent = (["duckdb", "spark"] as const)
              .map((d) => {
                const v = f.engines[d];
                const name = d === "spark" ? "Databricks" : "local";
                return v.level === "full"
                  ? null
                  : v.level === "partial"
                    ? `${name}: ${v.condition}`
                    : `Not on ${name}: ${v.reason}`;
              })
              .filter(Boolean)
              .join(" · ");
          }
          return el;
        },
        section: "Functions",
      });
    }
    if (aggregate() && !afterDot) {
      for (const a of AGGREGATES) {
        options.push({
          label: a,
          apply: `${a}(`,
          type: "function",
          detail: a === "count" ? "(column?) -> bigint" : "(column) -> number",
          info: "Aggregation over the rows of each group",
          section: "Aggregations",
          boost: 1,
        });
      }
    }
    if (!afterDot) {
      for (const k of KEYWORDS) options.push({ label: k, type: "keyword", section: "Keywords", boost: -1 });
    }
    return { from, options, validFor: /^(`[^`]*|[A-Za-z_][\w]*)$/ };
  };
}

// ---- the component ------------------------------------------------------------------------

export interface FormulaEditorProps extends CodeEditorProps {
  /** Columns in scope (completion, highlighting and checking). */
  columns: Col[];
  /** A group recipe's custom aggregation: aggregate functions allowed, other columns must be keys. */
  groupKeys?: string[];
  /** The type the formula must give (a filter wants "boolean"). */
  expect?: ColumnType;
  placeholder?: string;
}

/** A formula field: CodeMirror with the formula language's highlighting, completion and checker. */
export function FormulaEditor(props: FormulaEditorProps) {
  const [check, setCheck] = useState<FormulaCheck>(() =>
    checkFormulaText(props.value, props.columns, { groupKeys: props.groupKeys, expect: props.expect }),
  );
  const colKey = useMemo(
    () => JSON.stringify([props.columns, props.groupKeys ?? null, props.expect ?? null]),
    [props.columns, props.groupKeys, props.expect],
  );

  const { host, view } = useCodeEditor(props, (latest) => {
    const columnNames = () => new Set(latest.current.columns.map((c) => c.name));
    const lint = linter(
      (v): Diagnostic[] => {
        const p = latest.current;
        const text = v.state.doc.toString();
        const r = checkFormulaText(text, p.columns, { groupKeys: p.groupKeys, expect: p.expect });
        setCheck(r);
        const len = text.length;
        return r.errors.map((e) => {
          const from = Math.min(Math.max(0, e.start), len);
          const to = Math.min(Math.max(from, e.end), len);
          return {
            ...underlineRange(from, to, len),
            severity: "error",
            message: e.message,
            source: "formula",
          };
        });
      },
      { delay: 120 },
    );
    const extensions: Extension[] = [lint, highlighter(columnNames), EditorView.lineWrapping];
    return {
      extensions,
      completion: [
        completions(
          () => latest.current.columns,
          () => latest.current.groupKeys !== undefined,
        ),
      ],
      placeholder: latest.current.placeholder ?? "",
    };
  });

  // Columns or mode changed: check again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: colKey sums up the inputs of the check
  useEffect(() => {
    const v = view.current;
    if (v) {
      v.dispatch({}); // re-highlight known columns
      forceLinting(v);
    }
  }, [colKey]);

  const first = check.errors[0];
  return (
    <div className="formula-field" data-testid={props.testId}>
      <div
        ref={host}
        className="formula-editor"
        data-invalid={first ? true : undefined}
        data-readonly={props.readOnly || undefined}
      />
      <div
        className={`formula-status${first ? " has-error" : ""}`}
        data-testid={props.testId ? `${props.testId}-status` : undefined}
        data-state={first ? "error" : check.type ? "valid" : "empty"}
        aria-live="polite"
      >
        {first ? (
          <>
            <span className="formula-status-icon" aria-hidden="true">
              !
            </span>
            {first.message}
            {check.errors.length > 1 ? ` (+${check.errors.length - 1} more)` : ""}
          </>
        ) : check.type ? (
          <>
            <span className="formula-status-ok" aria-hidden="true">
              ✓
            </span>
            Gives a {check.type}
          </>
        ) : (
          <span className="muted">Ctrl+Space lists the columns and functions</span>
        )}
      </div>
    </div>
  );
}
