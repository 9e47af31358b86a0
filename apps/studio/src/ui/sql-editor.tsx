"use client";

import "./formula-editor.css";
import "./sql-editor.css";
import { indentWithTab } from "@codemirror/commands";
import { setDiagnostics } from "@codemirror/lint";
import type { Extension } from "@codemirror/state";
import { lineNumbers } from "@codemirror/view";
import { useEffect } from "react";
import { type CodeEditorProps, useCodeEditor } from "./code-editor-setup.ts";
import {
  diagnostics,
  type Names,
  nameCompletions,
  nameMarks,
  SparkSQL,
  type SqlProblemAt,
  type SqlTable,
  wordCompletions,
} from "./sql-language.ts";

export type { SqlProblemAt, SqlTable } from "./sql-language.ts";
export { sqlName } from "./sql-names.ts";

// The SQL recipe's and notebook's editor: the studio's CodeMirror setup (code-editor-setup.ts)
// with @codemirror/lang-sql's parser in a SparkSQL dialect, completion of the input tables, their
// columns, keywords and common functions, and the compiler's problems underlined at their line
// and column.

export interface SqlEditorHandle {
  /** Inserts text at the cursor (a table or column clicked in the side list). */
  insert: (text: string) => void;
}

export interface SqlEditorProps extends CodeEditorProps {
  /** The input tables (completion and highlighting). */
  tables: SqlTable[];
  /** The compiler's problems, underlined where they are. */
  problems: SqlProblemAt[];
  handle?: { current: SqlEditorHandle | null };
}

/** A SparkSQL editor: CodeMirror with highlighting, completion of inputs and columns, problems underlined. */
export function SqlEditor(props: SqlEditorProps) {
  const { host, view } = useCodeEditor(
    props,
    (latest) => {
      const names = (): Names => {
        const ts = latest.current.tables;
        return {
          tables: new Set(ts.map((t) => t.name.toLowerCase())),
          cols: new Set(ts.flatMap((t) => t.columns.map((c) => c.name.toLowerCase()))),
        };
      };
      const extensions: Extension[] = [lineNumbers(), SparkSQL.language, nameMarks(names)];
      return {
        extensions,
        completion: [nameCompletions(() => latest.current.tables), wordCompletions],
        placeholder: "SELECT ... FROM <input>",
        keys: [indentWithTab],
      };
    },
    (v, latest) => {
      if (latest.current.handle)
        latest.current.handle.current = {
          insert: (text) => {
            const sel = v.state.selection.main;
            v.dispatch({
              changes: { from: sel.from, to: sel.to, insert: text },
              selection: { anchor: sel.from + text.length },
            });
            v.focus();
          },
        };
    },
  );

  // New problems or tables: underline and highlight again.
  const key = JSON.stringify([props.problems, props.tables.map((t) => t.name)]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key sums up what the lint and highlight read
  useEffect(() => {
    const v = view.current;
    // The problems come from the server's compile (not a linter run on the text): set them as they arrive.
    if (v) v.dispatch(setDiagnostics(v.state, diagnostics(v.state, props.problems)));
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
