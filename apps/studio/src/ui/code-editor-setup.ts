"use client";

import {
  autocompletion,
  type CompletionSource,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { lintKeymap } from "@codemirror/lint";
import { EditorState, type Extension } from "@codemirror/state";
import { EditorView, type KeyBinding, keymap, placeholder as placeholderExt } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { type RefObject, useEffect, useRef } from "react";

// The one CodeMirror setup of the studio's code fields (formula, SQL recipe, notebook cells):
// the same keymaps, history, brackets, completion look, accessible name, read-only mode and
// colours (the fx-* classes of formula-editor.css), created once per field and kept in step
// with a value changed outside (undo in the recipe editor). Each editor adds its language.

/** What every code field takes. */
export interface CodeEditorProps {
  value: string;
  onChange: (text: string) => void;
  ariaLabel: string;
  testId?: string;
  readOnly?: boolean;
}

/** A grammar's tokens in the formula editor's colours. */
const codeHighlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.bool, tags.null], class: "fx-kw" },
  // A quoted name is a name (coloured by the editor that knows the names), not a string.
  { tag: tags.special(tags.string), class: "cm-quoted-name" },
  { tag: tags.string, class: "fx-str" },
  { tag: tags.number, class: "fx-num" },
  { tag: [tags.lineComment, tags.blockComment], class: "sql-comment" },
  { tag: tags.operator, class: "fx-op" },
  { tag: [tags.punctuation, tags.paren, tags.brace, tags.squareBracket], class: "fx-punct" },
]);

export interface CodeEditorSetup {
  /** The language: its parser or highlighter, linter and the like. */
  extensions: Extension[];
  /** Where completion comes from (the editor's own, not the language's defaults). */
  completion: CompletionSource[];
  placeholder: string;
  /** Keys before the default keymap (e.g. Tab indents in a multi-line editor). */
  keys?: readonly KeyBinding[];
}

/** The shared extensions around one editor's language. */
function codeEditorExtensions(setup: CodeEditorSetup, props: () => CodeEditorProps): Extension[] {
  const p = props();
  return [
    history(),
    closeBrackets(),
    autocompletion({ override: setup.completion, icons: false }),
    syntaxHighlighting(codeHighlightStyle),
    ...setup.extensions,
    placeholderExt(setup.placeholder),
    EditorState.readOnly.of(p.readOnly === true),
    EditorView.editable.of(p.readOnly !== true),
    EditorView.contentAttributes.of({
      "aria-label": p.ariaLabel,
      ...(p.testId ? { "data-testid": `${p.testId}-input` } : {}),
    }),
    keymap.of([
      ...closeBracketsKeymap,
      ...completionKeymap,
      ...historyKeymap,
      ...lintKeymap,
      ...(setup.keys ?? []),
      ...defaultKeymap,
    ]),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) props().onChange(u.state.doc.toString());
    }),
  ];
}

/**
 * A code field's editor, created once in `host`; later props are read through `latest`, and a
 * value changed outside is shown. `setup` runs once, with `latest` to read the current props.
 */
export function useCodeEditor<P extends CodeEditorProps>(
  props: P,
  setup: (latest: { readonly current: P }) => CodeEditorSetup,
  onCreate?: (view: EditorView, latest: { readonly current: P }) => void,
): {
  host: RefObject<HTMLDivElement | null>;
  view: RefObject<EditorView | null>;
  latest: { readonly current: P };
} {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;

  // Created once: `setup` and `onCreate` read later props through `latest`.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor lives as long as the field
  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: codeEditorExtensions(setup(latest), () => latest.current),
      }),
    });
    view.current = v;
    onCreate?.(v, latest);
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // The value changed outside (undo in the recipe editor): show it.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== props.value)
      v.dispatch({ changes: { from: 0, to: current.length, insert: props.value } });
  }, [props.value]);

  return { host, view, latest };
}

/** A problem's range, widened to one character when it is empty (a missing operand at the end). */
export function underlineRange(from: number, to: number, length: number): { from: number; to: number } {
  if (from === to) {
    if (to < length) to++;
    else if (from > 0) from--;
  }
  return { from, to };
}
