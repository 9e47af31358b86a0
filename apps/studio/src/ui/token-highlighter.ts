import { RangeSetBuilder } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  type EditorView,
  ViewPlugin,
  type ViewUpdate,
} from "@codemirror/view";

// The formula and SQL editors colour their tokens the same way: a regex finds the tokens, a
// classifier names each one's CSS class (or none), and the marks are rebuilt on every edit or
// effect (e.g. new column names).

const marks = new Map<string, Decoration>();
const mark = (cls: string) => {
  let m = marks.get(cls);
  if (!m) {
    m = Decoration.mark({ class: cls });
    marks.set(cls, m);
  }
  return m;
};

/** Word at `at` in `text` -> its CSS class, or null to leave it plain. */
export type TokenClassifier = (text: string, word: string, at: number) => string | null;

/** `classifier` is asked once per rebuild, so it can read the current names once. */
export function tokenHighlighter(token: RegExp, classifier: () => TokenClassifier) {
  const build = (view: EditorView): DecorationSet => {
    const b = new RangeSetBuilder<Decoration>();
    const text = view.state.doc.toString();
    const classify = classifier();
    for (const m of text.matchAll(token)) {
      const cls = classify(text, m[0], m.index);
      if (cls) b.add(m.index, m.index + m[0].length, mark(cls));
    }
    return b.finish();
  };
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = build(view);
      }
      update(u: ViewUpdate) {
        if (u.docChanged || u.transactions.some((t) => t.effects.length)) this.decorations = build(u.view);
      }
    },
    { decorations: (v) => v.decorations },
  );
}
