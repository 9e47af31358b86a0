import { type CellValue, edgeSpaces, formatCell, isNumericType } from "./format.ts";

export type Cell = CellValue;

function spaceNote(s: string, where: "leading" | "trailing" | "blank"): string {
  const what = /^ +$/.test(s) ? (s.length === 1 ? "space" : "spaces") : "whitespace characters";
  return where === "blank" ? `Only ${s.length} ${what}` : `${s.length} ${where} ${what}`;
}

/**
 * One cell's content, formatted for its column's type (format.ts). Leading and trailing spaces
 * are drawn as marked spans of the same spaces, so "paris " differs from "paris" on screen while
 * a copy gives the value as it is. A double rounded for display keeps its full value in the tooltip.
 */
export function CellText({ value, type }: { value: Cell; type: string }) {
  if (value === null) return <span className="cell-null">null</span>;
  const text = formatCell(value, type);
  if (typeof value === "number") {
    const full = String(value);
    return full === text ? text : <span title={full}>{text}</span>;
  }
  if (typeof value !== "string" || !text) return text;
  const { lead, body, trail } = edgeSpaces(text);
  if (!lead && !trail) return text;
  return (
    <>
      {lead ? (
        <span className="cell-space" data-edge="lead" title={spaceNote(lead, body ? "leading" : "blank")}>
          {lead}
        </span>
      ) : null}
      {body}
      {trail ? (
        <span className="cell-space" data-edge="trail" title={spaceNote(trail, "trailing")}>
          {trail}
        </span>
      ) : null}
    </>
  );
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
                  <CellText value={r[ci] ?? null} type={c.type} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
