"use client";

import type { ColumnStats, DatasetSchema, SampleFilter, SamplePage } from "@sous/contracts";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { CellText } from "@/ui/data-table.tsx";
import { formatCell, formatRows, isNumericType } from "@/ui/format.ts";
import { NUMERIC_FILTER_HELP, numericFilterText, parseNumericFilter } from "@/ui/numeric-filter.ts";
import { MiniChart, QualityBar } from "./column-header.tsx";

type Cell = string | number | boolean | null;
const ROW_H = 30;
const BLOCK = 500;
const OVERSCAN = 12;

export interface SampleView {
  sort?: { column: string; desc: boolean };
  filters: SampleFilter[];
}

/**
 * The sample, virtualised: only the rows in view (plus a few) are in the DOM, and rows are fetched
 * from the API in blocks of 500 as they come into view, so 10,000 x 50 scrolls like 50 x 50.
 * Sort and filters run on the server, on the cached sample.
 */
export function SampleTable({
  projectId,
  datasetId,
  columns,
  stats,
  statsScope,
  sampleRows,
  initial,
  view,
  onView,
}: {
  projectId: string;
  datasetId: string;
  columns: DatasetSchema;
  stats: ColumnStats[] | null;
  /** Whether the charts were computed on part of the sample: their tooltips say so. */
  statsScope?: { sampled?: boolean | undefined; rowsScanned?: number | undefined; rows: number } | undefined;
  sampleRows: number;
  initial: SamplePage | null;
  view: SampleView;
  onView: (v: SampleView) => void;
}) {
  const key = JSON.stringify(view);
  const isInitialView = !view.sort && view.filters.length === 0;
  const [blocks, setBlocks] = useState<Map<number, Cell[][]>>(() =>
    initial && isInitialView ? new Map([[0, initial.rows]]) : new Map(),
  );
  const [matching, setMatching] = useState<number | null>(
    isInitialView ? (initial?.matchingRows ?? null) : null,
  );
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(new Set<string>());
  const viewKey = useRef(key);
  const scroller = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState({ first: 0, last: 40 });
  // Numeric columns wide enough for their longest value: an exact decimal cut to "123456…" is a
  // different number. Widths only grow, so scrolling never makes columns jump back.
  const [widths, setWidths] = useState<ReadonlyMap<string, number>>(() =>
    initial && isInitialView ? widenFor(new Map(), columns, initial.rows) : new Map(),
  );

  // A new sort or filter: start again from the top.
  useEffect(() => {
    if (viewKey.current === key) return;
    viewKey.current = key;
    loading.current.clear();
    setBlocks(new Map());
    setMatching(null);
    setError(null);
    if (scroller.current) scroller.current.scrollTop = 0;
    setRange({ first: 0, last: 40 });
  }, [key]);

  const load = useCallback(
    async (block: number) => {
      const id = `${key}#${block}`;
      if (loading.current.has(id)) return;
      loading.current.add(id);
      try {
        const page = await apiCall("POST /projects/{projectId}/datasets/{datasetId}/sample", {
          params: { projectId, datasetId },
          body: { offset: block * BLOCK, limit: BLOCK, sort: view.sort, filters: view.filters },
        });
        if (viewKey.current !== key) return;
        setMatching(page.matchingRows);
        setBlocks((m) => new Map(m).set(block, page.rows));
        setWidths((w) => widenFor(w, columns, page.rows));
      } catch (e) {
        loading.current.delete(id);
        setError(errorMessage(e));
      }
    },
    [key, projectId, datasetId, view.sort, view.filters, columns],
  );

  const total = matching ?? 0;
  useEffect(() => {
    if (matching === null) {
      void load(0);
      return;
    }
    const firstBlock = Math.floor(range.first / BLOCK);
    const lastBlock = Math.floor(Math.min(range.last, Math.max(0, total - 1)) / BLOCK);
    for (let b = firstBlock; b <= lastBlock; b++) if (!blocks.has(b)) void load(b);
  }, [range, blocks, load, matching, total]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const first = Math.max(0, Math.floor(el.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.ceil((el.scrollTop + el.clientHeight) / ROW_H) + OVERSCAN;
    setRange((r) => (r.first === first && r.last === last ? r : { first, last }));
  }, []);
  useEffect(onScroll, [onScroll]);

  const statsBy = useMemo(() => new Map((stats ?? []).map((s) => [s.name, s])), [stats]);
  const numeric = columns.map((c) => isNumericType(c.type));
  const last = Math.min(range.last, total);
  const visible: number[] = [];
  for (let i = range.first; i < last; i++) visible.push(i);

  const filterOf = (col: string) => view.filters.find((f) => f.column === col);
  const setFilter = (col: string, f: SampleFilter | null) =>
    onView({ ...view, filters: [...view.filters.filter((x) => x.column !== col), ...(f ? [f] : [])] });
  const cycleSort = (col: string) => {
    const s = view.sort;
    if (!s || s.column !== col) onView({ ...view, sort: { column: col, desc: false } });
    else if (!s.desc) onView({ ...view, sort: { column: col, desc: true } });
    else onView({ ...view, sort: undefined });
  };

  return (
    <div className="explore-table-wrap">
      <div className="explore-status" data-testid="sample-status">
        {matching === null
          ? "Loading…"
          : view.filters.length
            ? `${total.toLocaleString("en-US")} of ${sampleRows.toLocaleString("en-US")} sample rows match`
            : `${formatRows(sampleRows)} in the sample`}
        {error ? <span className="explore-error"> · {error}</span> : null}
      </div>
      <div
        className="table-scroll explore-scroll"
        ref={scroller}
        onScroll={onScroll}
        data-testid="explore-scroll"
      >
        <table className="data-table explore-table" data-testid="dataset-table" aria-rowcount={total + 1}>
          <thead>
            <tr>
              <th className="row-num" scope="col">
                <span className="sr-only">Row</span>
              </th>
              {columns.map((c, ci) => {
                const s = statsBy.get(c.name);
                const f = filterOf(c.name);
                const sorted = view.sort?.column === c.name ? (view.sort.desc ? "desc" : "asc") : undefined;
                const w = widths.get(c.name);
                return (
                  <th
                    key={c.name}
                    scope="col"
                    className={numeric[ci] ? "num col-head" : "col-head"}
                    style={w ? { width: w, minWidth: w, maxWidth: w } : undefined}
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
                    data-testid={`col-${c.name}`}
                  >
                    <button
                      type="button"
                      className="col-sort"
                      onClick={() => cycleSort(c.name)}
                      title="Sort the sample by this column"
                    >
                      <span className="th-name">
                        {c.name}
                        {sorted ? <span className="sort-mark">{sorted === "asc" ? " ▲" : " ▼"}</span> : null}
                      </span>
                      <span className="th-type">
                        {c.type}
                        {s?.meaning && s.meaning !== "text" && s.meaning !== c.type ? ` · ${s.meaning}?` : ""}
                      </span>
                    </button>
                    {s ? (
                      <>
                        <QualityBar
                          stats={s}
                          total={sampleRows}
                          onPick={(op) => setFilter(c.name, f?.op === op ? null : { column: c.name, op })}
                        />
                        <MiniChart stats={s} scope={statsScope} />
                      </>
                    ) : null}
                    <ColumnFilterBox
                      column={c.name}
                      numeric={numeric[ci] === true}
                      filter={f}
                      onFilter={(next) => setFilter(c.name, next)}
                    />
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {range.first > 0 ? <tr className="spacer" style={{ height: range.first * ROW_H }} /> : null}
            {visible.map((i) => {
              const row = blocks.get(Math.floor(i / BLOCK))?.[i % BLOCK];
              return (
                <tr key={i} style={{ height: ROW_H }} aria-rowindex={i + 2}>
                  <th className="row-num" scope="row">
                    {i + 1}
                  </th>
                  {columns.map((c, ci) => (
                    <td
                      key={c.name}
                      className={numeric[ci] ? "num" : undefined}
                      style={widths.has(c.name) ? { maxWidth: widths.get(c.name) } : undefined}
                    >
                      {row ? (
                        <CellText value={row[ci] ?? null} type={c.type} />
                      ) : (
                        <span className="cell-loading" />
                      )}
                    </td>
                  ))}
                </tr>
              );
            })}
            {total > last ? <tr className="spacer" style={{ height: (total - last) * ROW_H }} /> : null}
          </tbody>
        </table>
        {matching === 0 ? (
          <div className="explore-none">No row of the sample matches the filters.</div>
        ) : null}
      </div>
    </div>
  );
}

const COL_W = 168;
const MAX_COL_W = 360;
/**
 * Pixels per character of a number in the table's tabular figures (13 px digits are about 8.1 px
 * wide: a little room to spare), and the cell's padding.
 */
const DIGIT_W = 8.6;
const CELL_PAD = 28;

/** The widths numeric columns need for these rows' values (only ever wider than before). */
function widenFor(
  prev: ReadonlyMap<string, number>,
  columns: DatasetSchema,
  rows: Cell[][],
): ReadonlyMap<string, number> {
  let next: Map<string, number> | null = null;
  columns.forEach((c, ci) => {
    if (!isNumericType(c.type)) return;
    let longest = 0;
    for (const r of rows) {
      const v = r[ci];
      if (v !== null && v !== undefined) longest = Math.max(longest, formatCell(v, c.type).length);
    }
    const w = Math.min(MAX_COL_W, Math.ceil(longest * DIGIT_W + CELL_PAD));
    if (w > (prev.get(c.name) ?? COL_W)) {
      next ??= new Map(prev);
      next.set(c.name, w);
    }
  });
  return next ?? prev;
}

/**
 * A column's filter box. Text columns: "contains". Numeric columns: `> 50`, `>= 1.5`, `< 0`,
 * `= 3` or a number, `10..20` (numeric-filter.ts); what cannot be read is said under the box and
 * not applied. Enter or leaving the box applies it; an empty box clears it.
 */
function ColumnFilterBox({
  column,
  numeric,
  filter,
  onFilter,
}: {
  column: string;
  numeric: boolean;
  filter: SampleFilter | undefined;
  onFilter: (f: SampleFilter | null) => void;
}) {
  // The box's own filter as text; null when the column's filter is another kind (a quality pick).
  const current = !filter
    ? ""
    : numeric
      ? numericFilterText(filter)
      : filter.op === "contains"
        ? (filter.value ?? "")
        : null;
  const [text, setText] = useState(current ?? "");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(current ?? "");
    setError(null);
  }, [current]);

  const apply = () => {
    let next: SampleFilter | null;
    if (numeric) {
      const r = parseNumericFilter(column, text);
      if ("error" in r) {
        setError(r.error);
        return;
      }
      setError(null);
      next = r.filter;
    } else next = text ? { column, op: "contains", value: text } : null;
    // Unchanged, or an empty box over a quality pick (which the box does not show): nothing to do.
    if (JSON.stringify(next) === JSON.stringify(filter ?? null) || (!next && current === null)) return;
    onFilter(next);
  };
  const errorId = `filter-error-${column}`;
  return (
    <>
      <input
        className={`col-filter${error ? " is-invalid" : ""}`}
        placeholder={
          filter && current === null ? `${filter.op} values` : numeric ? "> 50, 10..20…" : "Filter…"
        }
        title={numeric ? NUMERIC_FILTER_HELP : "Rows whose text contains this (any case)"}
        aria-label={`Filter ${column}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        data-testid={`filter-${column}`}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (error) setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") apply();
        }}
        onBlur={apply}
      />
      {error ? (
        <div className="col-filter-error" id={errorId} role="alert" data-testid={`filter-error-${column}`}>
          {error}
        </div>
      ) : null}
    </>
  );
}
