"use client";

import type { SqlParams } from "@sous/contracts";
import { useRef } from "react";
import { SqlEditor } from "@/ui/code-editors.tsx";
import { TypeTag } from "@/ui/columns.tsx";
import { plural } from "@/ui/format.ts";
import type { SqlEditorHandle, SqlProblemAt } from "@/ui/sql-editor.tsx";
import { sqlName } from "@/ui/sql-names.ts";
import { Section } from "./forms-basic.tsx";
import type { FormProps } from "./types.ts";

// The SQL code recipe: one SparkSQL query reading the inputs by dataset name. The compiler checks
// it on every preview; its problems are underlined in the editor and listed under it.

function problemsOf(error: FormProps<SqlParams>["previewError"]): SqlProblemAt[] {
  const raw = error?.details?.problems;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (p): p is SqlProblemAt =>
      typeof p === "object" && p !== null && typeof p.message === "string" && typeof p.line === "number",
  );
}

export function SqlForm({ params, set, inputs, readOnly, previewError }: FormProps<SqlParams>) {
  const handle = useRef<SqlEditorHandle | null>(null);
  const problems = problemsOf(previewError);
  // A compile error without a position (an unknown table...) is listed too.
  const general =
    previewError?.code === "compile_error" && problems.length === 0 ? previewError.message : null;
  const tables = inputs.map((i) => ({ name: i.name, columns: i.columns }));
  return (
    <>
      <Section
        title="Query"
        hint="One SparkSQL query (SELECT or WITH … SELECT). Read the inputs by their dataset names; Ctrl+Space completes inputs, columns and functions."
      >
        <SqlEditor
          value={params.sql}
          onChange={(sql) => set({ sql }, "sql")}
          tables={tables}
          problems={problems}
          ariaLabel="SQL query"
          testId="sql-editor"
          readOnly={readOnly}
          handle={handle}
        />
        <div
          className={`formula-status${problems.length || general ? " has-error" : ""}`}
          data-testid="sql-status"
          data-state={problems.length || general ? "error" : "ok"}
          aria-live="polite"
        >
          {problems.length ? (
            <ul className="sql-problems">
              {problems.map((p) => (
                <li key={`${p.line}:${p.column}:${p.message}`} data-testid="sql-problem">
                  <span className="formula-status-icon" aria-hidden="true">
                    !
                  </span>
                  Line {p.line}, column {p.column}: {p.message}
                </li>
              ))}
            </ul>
          ) : general ? (
            <>
              <span className="formula-status-icon" aria-hidden="true">
                !
              </span>
              {general}
            </>
          ) : (
            <span className="muted">The query is checked as you type; the preview runs it on a sample.</span>
          )}
        </div>
      </Section>
      <Section title="Inputs as tables" hint="Click a name to insert it at the cursor.">
        <div className="sql-tables" data-testid="sql-tables">
          {tables.map((t) => (
            <details key={t.name} className="sql-table-card" open={tables.length <= 2}>
              <summary>
                <button
                  type="button"
                  className="sql-insert sql-insert-table"
                  data-testid={`sql-table-${t.name}`}
                  disabled={readOnly}
                  title={`Insert ${sqlName(t.name)}`}
                  onClick={() => handle.current?.insert(sqlName(t.name))}
                >
                  {t.name}
                </button>
                <span className="muted small"> {plural(t.columns.length, "column")}</span>
              </summary>
              <ul>
                {t.columns.map((c) => (
                  <li key={c.name}>
                    <button
                      type="button"
                      className="sql-insert"
                      data-testid={`sql-col-${t.name}-${c.name}`}
                      disabled={readOnly}
                      title={`Insert ${sqlName(c.name)}`}
                      onClick={() => handle.current?.insert(sqlName(c.name))}
                    >
                      <TypeTag type={c.type} />
                      {c.name}
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </div>
      </Section>
    </>
  );
}
