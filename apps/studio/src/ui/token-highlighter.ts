import { syntaxTree } from "@codemirror/language";
import { RangeSetBuilder } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  type EditorView,
  ViewPlugin,
  type ViewUpdate,
} from "@codemirror/view";

// The formula and SQL editors colour some tokens by what the page knows (the columns in scope, the
// input tables), which no grammar can: a function lists the tokens with their CSS class, and the
// marks are rebuilt on every edit, effect (e.g. new column names) or newly parsed syntax tree.

const marks = new Map<string, Decoration>();
const mark = (cls: string) => {
  let m = marks.get(cls);
  if (!m) {
    m = Decoration.mark({ class: cls });
    marks.set(cls, m);
  }
  return m;
};

/** A token to colour: its range (in document order) and CSS class. */
export interface TokenMark {
  from: number;
  to: number;
  cls: string;
}

/** Colours what `tokens` lists, asked again on each edit, effect or parse. */
export function markHighlighter(tokens: (view: EditorView) => Iterable<TokenMark>) {
  const build = (view: EditorView): DecorationSet => {
    const b = new RangeSetBuilder<Decoration>();
    for (const t of tokens(view)) if (t.to > t.from) b.add(t.from, t.to, mark(t.cls));
    return b.finish();
  };
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = build(view);
      }
      update(u: ViewUpdate) {
        if (
          u.docChanged ||
          u.transactions.some((t) => t.effects.length) ||
          syntaxTree(u.startState) !== syntaxTree(u.state)
        )
          this.decorations = build(u.view);
      }
    },
    { decorations: (v) => v.decorations },
  );
}

/** Word at `at` in `text` -> its CSS class, or null to leave it plain. */
export type TokenClassifier = (text: string, word: string, at: number) => string | null;

/** For a language without a grammar (formulas): a regex finds the tokens, `classifier` names their classes. */
export function tokenHighlighter(token: RegExp, classifier: () => TokenClassifier) {
  return markHighlighter(function* (view) {
    const text = view.state.doc.toString();
    const classify = classifier();
    for (const m of text.matchAll(token)) {
      const cls = classify(text, m[0], m.index);
      if (cls) yield { from: m.index, to: m.index + m[0].length, cls };
    }
  });
}
