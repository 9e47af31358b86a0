"use client";

import "./formula-editor.css";
import "./sql-editor.css";
import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { lineNumbers } from "@codemirror/view";
import { type CodeEditorProps, useCodeEditor } from "./code-editor-setup.ts";

// A Python notebook cell's editor: the studio's CodeMirror setup (the SQL cells' look) with
// @codemirror/lang-python's parser and indentation; no completion (the kernel knows the names,
// the page does not).

export function PythonEditor(props: CodeEditorProps) {
  const { host } = useCodeEditor(props, () => ({
    extensions: [lineNumbers(), python()],
    completion: [],
    placeholder: 'Python, e.g. sous.dataset("orders").to_pandas().head()',
    keys: [indentWithTab],
  }));
  return <div ref={host} className="sql-editor" data-testid={props.testId} />;
}
