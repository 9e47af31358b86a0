import { isNumericType } from "./format.ts";

export type Cell = string | number | boolean | null;

function renderCell(v: Cell) {
  if (v === null) return <span className="cell-null">null</span>;
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}

/** Rows of a dataset: sticky header, numbers right-aligned in tabular figures, nulls greyed. */
export function DataTable({
  columns,
  rows,
  testId,
  caption,
  highlight,
}: {
  columns: { name: string; type: string }[];
  rows: Cell[][];
  testId?: string;
  caption?: string;
  /** Columns to mark (a prepare step added or changed them), with a note for the header's tooltip. */
  highlight?: ReadonlyMap<string, { kind: "added" | "changed"; note: string }>;
}) {
  const numeric = columns.map((c) => isNumericType(c.type));
  const cls = (i: number, name: string) => {
    const h = highlight?.get(name);
    return [numeric[i] ? "num" : "", h ? `col-${h.kind}` : ""].filter(Boolean).join(" ") || undefined;
  };
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            <th className="row-num" scope="col">
              <span className="sr-only">Row</span>
            </th>
            {columns.map((c, i) => (
              <th
                key={c.name}
                scope="col"
                className={cls(i, c.name)}
                title={highlight?.get(c.name)?.note}
                data-highlight={highlight?.get(c.name)?.kind}
              >
                <span className="th-name">{c.name}</span>
                <span className="th-type">{c.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, ri) => (
            // Row numbers are <th scope=row>, so a row's <td>s are exactly its values.
            // Preview rows have no identity of their own; their position is their key.
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
            <tr key={ri}>
              <th className="row-num" scope="row">
                {ri + 1}
              </th>
              {columns.map((c, ci) => (
                <td key={c.name} className={cls(ci, c.name)}>
                  {renderCell(r[ci] ?? null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
