"use client";

import type { EngineChoice, EngineOptions } from "@sous/contracts";
import Link from "next/link";
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import type { CellResult, Notebook, NotebookCell } from "@/shared/api/notebook-schemas.ts";
import { ApiError, type ApiResponse, apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { CellText } from "@/ui/data-table.tsx";
import { FormError, Input } from "@/ui/field.tsx";
import { formatCount, isNumericType } from "@/ui/format.ts";
import { PlayIcon, PlusIcon, TrashIcon } from "@/ui/icons.tsx";
import { LeaveGuard } from "@/ui/leave-guard.tsx";
import { SqlEditor, type SqlProblemAt, type SqlTable } from "@/ui/sql-editor.tsx";
import { CellChart, isChartable } from "./cell-chart.tsx";
import { CellProgress, NotebookEngineSelect } from "./notebook-engine.tsx";

// A SQL notebook: cells edited with the SQL recipe's editor, run one at a time on the notebook's
// engine, local or a Databricks compute profile (Ctrl+Enter), each with its progress while it
// runs, its result grid (10,000 rows at most, virtualised, the full count above it) or quick chart
// (cell-chart.tsx), its error under it at its position, and "Save as dataset" that turns the cell
// into a SQL recipe of the Flow. The cells are saved with the version they were loaded at (a 409
// says someone else saved meanwhile); results are kept by the server apart from the cells.

const newCellId = () => `c${globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;

type Saved = ApiResponse<"POST /projects/{projectId}/notebooks/{notebookId}/cells/{cellId}/save-as-dataset">;

export function NotebookEditor({
  projectId,
  canEdit,
  initial,
  tables,
  initialEngine,
  engineOptions,
}: {
  projectId: string;
  canEdit: boolean;
  initial: Notebook;
  tables: SqlTable[];
  initialEngine: EngineChoice;
  engineOptions: EngineOptions;
}) {
  const [engine, setEngine] = useState(initialEngine);
  const [cells, setCells] = useState<NotebookCell[]>(initial.cells);
  const [version, setVersion] = useState(initial.version);
  const [results, setResults] = useState<Record<string, CellResult>>(initial.results);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [running, setRunning] = useState<Record<string, AbortController>>({});
  const notebookId = initial.id;

  const edit = (next: NotebookCell[]) => {
    setCells(next);
    setDirty(true);
  };

  const save = useCallback(async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const nb = await apiCall("PUT /projects/{projectId}/notebooks/{notebookId}", {
        params: { projectId, notebookId },
        body: { version, cells },
      });
      setVersion(nb.version);
      setDirty(false);
    } catch (e) {
      setSaveError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }, [projectId, notebookId, version, cells]);

  const run = useCallback(
    async (cell: NotebookCell) => {
      if (!cell.sql.trim()) return;
      const ac = new AbortController();
      setRunning((r) => ({ ...r, [cell.id]: ac }));
      const started = new Date().toISOString();
      try {
        const result = await apiCall("POST /projects/{projectId}/notebooks/{notebookId}/cells/{cellId}/run", {
          params: { projectId, notebookId, cellId: cell.id },
          body: { sql: cell.sql },
          signal: ac.signal,
        });
        setResults((r) => ({ ...r, [cell.id]: result }));
      } catch (e) {
        const problems =
          e instanceof ApiError && Array.isArray(e.details?.problems)
            ? (e.details.problems as SqlProblemAt[])
            : [];
        const message = ac.signal.aborted ? "Cancelled." : errorMessage(e);
        setResults((r) => ({
          ...r,
          [cell.id]: { status: "error", message, problems, durationMs: 0, ranAt: started, sql: cell.sql },
        }));
      } finally {
        setRunning((r) => {
          const { [cell.id]: _, ...rest } = r;
          return rest;
        });
      }
    },
    [projectId, notebookId],
  );

  // Ctrl+S saves from anywhere on the page.
  const latestSave = useRef(save);
  latestSave.current = save;
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") {
        e.preventDefault();
        if (canEdit) void latestSave.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [canEdit]);

  const move = (i: number, by: -1 | 1) => {
    const next = [...cells];
    const [c] = next.splice(i, 1);
    next.splice(i + by, 0, c!);
    edit(next);
  };

  return (
    <div className="nb-notebook">
      <LeaveGuard when={canEdit && dirty} message="The notebook's cells are not saved and will be lost." />
      <div className="nb-toolbar">
        {canEdit ? (
          <>
            <Button
              variant="primary"
              onClick={() => void save()}
              loading={saving}
              disabled={!dirty}
              data-testid="notebook-save"
              title="Save the cells (Ctrl+S)"
            >
              Save
            </Button>
            <Button
              icon={<PlusIcon />}
              onClick={() => edit([...cells, { id: newCellId(), sql: "" }])}
              data-testid="cell-add"
            >
              Add cell
            </Button>
          </>
        ) : null}
        <NotebookEngineSelect
          projectId={projectId}
          notebookId={initial.id}
          canEdit={canEdit}
          engine={engine}
          options={engineOptions}
          onChange={setEngine}
        />
        <span className="muted" data-testid="notebook-state">
          {dirty ? "Unsaved changes" : `Saved · version ${version}`}
        </span>
        <span className="muted nb-tables">
          Datasets: {tables.length ? tables.map((t) => t.name).join(", ") : "none built yet"}
        </span>
      </div>
      <FormError message={saveError} testId="notebook-save-error" />
      {cells.map((cell, i) => (
        <CellView
          key={cell.id}
          index={i}
          count={cells.length}
          cell={cell}
          result={results[cell.id]}
          running={Boolean(running[cell.id])}
          remote={engine.kind === "databricks"}
          canEdit={canEdit}
          tables={tables}
          projectId={projectId}
          notebookId={notebookId}
          onChange={(sql) => edit(cells.map((c) => (c.id === cell.id ? { ...c, sql } : c)))}
          onRun={() => void run(cell)}
          onCancel={() => running[cell.id]?.abort()}
          onMove={(by) => move(i, by)}
          onDelete={() => edit(cells.filter((c) => c.id !== cell.id))}
        />
      ))}
      {cells.length === 0 ? <div className="muted">No cell: add one to write a query.</div> : null}
    </div>
  );
}

function CellView({
  index,
  count,
  cell,
  result,
  running,
  remote,
  canEdit,
  tables,
  projectId,
  notebookId,
  onChange,
  onRun,
  onCancel,
  onMove,
  onDelete,
}: {
  index: number;
  count: number;
  cell: NotebookCell;
  result: CellResult | undefined;
  running: boolean;
  /** The notebook runs on a Databricks cluster (the run's progress says what the cluster does). */
  remote: boolean;
  canEdit: boolean;
  tables: SqlTable[];
  projectId: string;
  notebookId: string;
  onChange: (sql: string) => void;
  onRun: () => void;
  onCancel: () => void;
  onMove: (by: -1 | 1) => void;
  onDelete: () => void;
}) {
  const [saveOpen, setSaveOpen] = useState(false);
  // Problems are underlined only while the text is the one that was refused.
  const problems = result?.status === "error" && result.sql === cell.sql ? result.problems : [];
  const onKeyDownCapture = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
      // Before CodeMirror's own Mod-Enter (insert a blank line).
      e.preventDefault();
      e.stopPropagation();
      if (canEdit && !running) onRun();
    }
  };
  return (
    <section className="nb-cell" data-testid="notebook-cell" aria-label={`Cell ${index + 1}`}>
      <div className="nb-cell-head">
        <span className="nb-cell-num">[{index + 1}]</span>
        {canEdit ? (
          <>
            {running ? (
              <Button size="sm" variant="danger" onClick={onCancel} data-testid="cell-cancel">
                Cancel
              </Button>
            ) : (
              <Button
                size="sm"
                variant="primary"
                icon={<PlayIcon />}
                onClick={onRun}
                disabled={!cell.sql.trim()}
                title="Run the cell (Ctrl+Enter)"
                data-testid="cell-run"
              >
                Run
              </Button>
            )}
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onMove(-1)}
              disabled={index === 0}
              title="Move up"
            >
              ↑
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onMove(1)}
              disabled={index === count - 1}
              title="Move down"
            >
              ↓
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setSaveOpen((o) => !o)}
              disabled={!cell.sql.trim()}
              data-testid="cell-save-as-dataset"
              title="Turn this cell into a SQL recipe of the Flow that writes a new dataset"
            >
              Save as dataset
            </Button>
            <Button
              size="sm"
              variant="ghost"
              icon={<TrashIcon />}
              onClick={onDelete}
              aria-label="Delete cell"
              title="Delete cell"
              data-testid="cell-delete"
            />
          </>
        ) : null}
        {running ? (
          <CellProgress projectId={projectId} notebookId={notebookId} cellId={cell.id} remote={remote} />
        ) : null}
      </div>
      {/* Ctrl+Enter from the editor inside runs the cell. */}
      <div onKeyDownCapture={onKeyDownCapture}>
        <SqlEditor
          value={cell.sql}
          onChange={onChange}
          tables={tables}
          problems={problems}
          ariaLabel={`SQL of cell ${index + 1}`}
          testId={`cell-sql-${index}`}
          readOnly={!canEdit}
        />
      </div>
      {saveOpen ? (
        <SaveAsDataset
          projectId={projectId}
          notebookId={notebookId}
          cell={cell}
          onDone={() => setSaveOpen(false)}
        />
      ) : null}
      {result ? <ResultView result={result} stale={result.sql !== cell.sql} /> : null}
    </section>
  );
}

function SaveAsDataset({
  projectId,
  notebookId,
  cell,
  onDone,
}: {
  projectId: string;
  notebookId: string;
  cell: NotebookCell;
  onDone: () => void;
}) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await apiCall(
        "POST /projects/{projectId}/notebooks/{notebookId}/cells/{cellId}/save-as-dataset",
        {
          params: { projectId, notebookId, cellId: cell.id },
          body: { sql: cell.sql, datasetName: name.trim() },
        },
      );
      setSaved(r);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  if (saved)
    return (
      <div className="nb-saved" role="status" data-testid="cell-saved">
        Recipe <strong>{saved.recipeName}</strong> writes the new dataset <strong>{saved.datasetName}</strong>{" "}
        in the Flow. <Link href={`/projects/${projectId}`}>Open the Flow</Link> to build it.{" "}
        <Button size="sm" variant="ghost" onClick={onDone}>
          Close
        </Button>
      </div>
    );
  return (
    <form className="nb-save-form" onSubmit={(e) => void submit(e)}>
      <Input
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="New dataset name"
        aria-label="New dataset name"
        data-testid="cell-dataset-name"
        required
      />
      <Button
        type="submit"
        size="sm"
        variant="primary"
        loading={busy}
        data-testid="cell-save-as-dataset-submit"
      >
        Create recipe
      </Button>
      <Button size="sm" variant="ghost" onClick={onDone}>
        Cancel
      </Button>
      <FormError message={error} testId="cell-save-error" />
    </form>
  );
}

function ResultView({ result, stale }: { result: CellResult; stale: boolean }) {
  const [chart, setChart] = useState(false);
  if (result.status === "error") {
    const first = result.problems[0];
    return (
      <div className="nb-error" role="alert" data-testid="cell-error">
        {first ? (
          <span className="nb-error-at" data-testid="cell-error-at">
            Line {first.line}, column {first.column}:{" "}
          </span>
        ) : null}
        {first ? first.message : result.message}
        {result.problems.length > 1 ? (
          <ul>
            {result.problems.slice(1).map((p) => (
              <li key={`${p.line}:${p.column}:${p.message}`}>
                Line {p.line}, column {p.column}: {p.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  const columns = result.columns.map((c) => ({ name: c.name, type: c.type ?? c.engineType.toLowerCase() }));
  const chartable = isChartable(columns, result.rows);
  return (
    <div className="nb-result" data-testid="cell-result">
      <div className="nb-result-head">
        <span data-testid="cell-row-count">
          {formatCount(result.rowCount)} {result.rowCount === 1 ? "row" : "rows"}
        </span>
        {result.truncated ? (
          <span className="muted">(the first {formatCount(result.rows.length)} shown)</span>
        ) : null}
        <span className="muted">
          · {columns.length} {columns.length === 1 ? "column" : "columns"} · {result.durationMs} ms
        </span>
        {stale ? <span className="muted">· from an earlier version of the cell</span> : null}
        {chartable ? (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setChart((c) => !c)}
            data-testid="cell-chart-toggle"
          >
            {chart ? "Table" : "Chart"}
          </Button>
        ) : null}
      </div>
      {chart && chartable ? (
        // A new result starts a new chart: the columns it picked may no longer exist.
        <CellChart key={result.ranAt} columns={columns} rows={result.rows} rowCount={result.rowCount} />
      ) : (
        <ResultGrid columns={columns} rows={result.rows} />
      )}
    </div>
  );
}

const ROW_H = 33;
const VIEW_H = 360;

/** The result's rows, virtualised: only the rows in view (and a few around) are in the DOM. */
function ResultGrid({
  columns,
  rows,
}: {
  columns: { name: string; type: string }[];
  rows: (string | number | boolean | null)[][];
}) {
  const [top, setTop] = useState(0);
  const numeric = columns.map((c) => isNumericType(c.type));
  const first = Math.max(0, Math.floor(top / ROW_H) - 10);
  const last = Math.min(rows.length, first + Math.ceil(VIEW_H / ROW_H) + 20);
  return (
    <div
      className="table-scroll nb-grid"
      style={{ maxHeight: VIEW_H }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region is reachable by keyboard
      tabIndex={0}
    >
      <table className="data-table" data-testid="cell-grid">
        <thead>
          <tr>
            <th className="row-num" scope="col">
              <span className="sr-only">Row</span>
            </th>
            {columns.map((c, i) => (
              <th key={c.name} scope="col" className={numeric[i] ? "num" : undefined}>
                <span className="th-name">{c.name}</span>
                <span className="th-type">{c.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 ? (
            <tr className="nb-spacer" style={{ height: first * ROW_H }}>
              <td colSpan={columns.length + 1} />
            </tr>
          ) : null}
          {rows.slice(first, last).map((r, k) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
            <tr key={first + k} style={{ height: ROW_H }}>
              <th className="row-num" scope="row">
                {first + k + 1}
              </th>
              {columns.map((c, ci) => (
                <td key={c.name} className={numeric[ci] ? "num" : undefined}>
                  <CellText value={r[ci] ?? null} type={c.type} />
                </td>
              ))}
            </tr>
          ))}
          {last < rows.length ? (
            <tr className="nb-spacer" style={{ height: (rows.length - last) * ROW_H }}>
              <td colSpan={columns.length + 1} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
