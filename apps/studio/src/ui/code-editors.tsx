"use client";

import dynamic from "next/dynamic";

// The formula and SQL editors, loaded with the first one a page shows: CodeMirror is a few
// hundred KiB that recipe editors whose form has no formula or SQL field never need, and the
// others load it while the page is already on screen. Until then a field of the same height
// stands in (nothing is typed before the editor is there: it is the field).

const Loading = ({ lines }: { lines: number }) => (
  <div className="cm-loading" aria-busy="true" style={{ minHeight: `${lines * 1.5 + 0.75}em` }} />
);

export const FormulaEditor = dynamic(() => import("./formula-editor.tsx").then((m) => m.FormulaEditor), {
  ssr: false,
  loading: () => <Loading lines={1} />,
});

export const SqlEditor = dynamic(() => import("./sql-editor.tsx").then((m) => m.SqlEditor), {
  ssr: false,
  loading: () => <Loading lines={8} />,
});
