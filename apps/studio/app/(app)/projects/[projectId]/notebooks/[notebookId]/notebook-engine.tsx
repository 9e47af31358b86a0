"use client";

import type { EngineChoice, EngineOptions } from "@sous/contracts";
import { useEffect, useState } from "react";
import { apiCall, Badge, errorMessage, Select } from "@/ui/index.ts";

// Where a SQL notebook's cells run (issue #17): the local engine, or a Databricks connection's
// compute profile (the project's engine options); and, while a cell runs, what the run says
// (reusing, starting or waiting for a cluster, then the query; a local query's progress).

const LOCAL = "local";
const keyOf = (e: EngineChoice) =>
  e.kind === "local" ? LOCAL : `databricks:${e.connectionId}:${e.profileId}`;

function choiceOf(key: string): EngineChoice {
  if (key === LOCAL) return { kind: "local" };
  const [, connectionId = "", profileId = ""] = key.split(":");
  return { kind: "databricks", connectionId, profileId };
}

export function labelOf(engine: EngineChoice, options: EngineOptions): string {
  if (engine.kind === "local") return "Local (DuckDB)";
  const c = options.connections.find((x) => x.id === engine.connectionId);
  const p = c?.profiles.find((x) => x.id === engine.profileId);
  return c && p ? `${c.name} · ${p.name}` : "a Databricks profile that no longer exists";
}

export function NotebookEngineSelect({
  projectId,
  notebookId,
  canEdit,
  engine,
  options,
  onChange,
}: {
  projectId: string;
  notebookId: string;
  canEdit: boolean;
  engine: EngineChoice;
  options: EngineOptions;
  onChange: (engine: EngineChoice) => void;
}) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = keyOf(engine);
  const label = labelOf(engine, options);
  const selectable = options.connections.filter((c) => c.profiles.length > 0);

  async function pick(key: string) {
    if (key === current) return;
    setSaving(true);
    setError(null);
    try {
      const r = await apiCall("PUT /projects/{projectId}/notebooks/{notebookId}/engine", {
        params: { projectId, notebookId },
        body: { engine: choiceOf(key) },
      });
      onChange(r.engine);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <span className="nb-engine" data-testid="notebook-engine">
      <span className="muted" id="nb-engine-label">
        Engine
      </span>
      {canEdit ? (
        <Select
          aria-labelledby="nb-engine-label"
          value={current}
          disabled={saving}
          onChange={(e) => void pick(e.target.value)}
          data-testid="notebook-engine-select"
        >
          <option value={LOCAL}>Local (DuckDB)</option>
          {selectable.map((c) => (
            <optgroup key={c.id} label={`Databricks: ${c.name}`}>
              {c.profiles.map((p) => (
                <option key={p.id} value={`databricks:${c.id}:${p.id}`}>
                  {c.name} · {p.name}
                </option>
              ))}
            </optgroup>
          ))}
          {!selectable.some((c) => c.profiles.some((p) => keyOf(engine) === `databricks:${c.id}:${p.id}`)) &&
          engine.kind === "databricks" ? (
            <option value={current}>{label}</option>
          ) : null}
        </Select>
      ) : (
        <strong data-testid="notebook-engine-current">{label}</strong>
      )}
      <Badge tone={engine.kind === "local" ? "neutral" : "accent"} testId="notebook-engine-kind">
        {engine.kind === "local" ? "local" : "Spark on Databricks"}
      </Badge>
      {error ? (
        <span className="nb-engine-error" role="alert" data-testid="notebook-engine-error">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** Seconds with a tenth under a minute (the clock of a running cell), then minutes and seconds. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/**
 * While a cell runs: the time since it started and what the run says, polled every second and
 * only while it runs (unmounted at its end). On a cluster, its last word (cluster wait, upload,
 * query); on the local engine, DuckDB's percentage, first asked after a second so that a quick
 * cell costs no request.
 */
export function CellProgress({
  projectId,
  notebookId,
  cellId,
  remote,
}: {
  projectId: string;
  notebookId: string;
  cellId: string;
  remote: boolean;
}) {
  const [startedAt] = useState(() => performance.now());
  const [elapsed, setElapsed] = useState(0);
  const [line, setLine] = useState<string | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const p = await apiCall("GET /projects/{projectId}/notebooks/{notebookId}/cells/{cellId}/progress", {
          params: { projectId, notebookId, cellId },
        });
        // A run that is not going on is an earlier one (this one has not reached the server yet).
        if (stopped || !p.running) return;
        setLine(p.lines.at(-1) ?? null);
        setPercent(p.percent);
      } catch {
        // The next poll tries again; the run's own answer reports failures.
      }
    };
    const timer = setInterval(() => void poll(), 1_000);
    if (remote) void poll();
    const clock = setInterval(() => setElapsed(performance.now() - startedAt), 100);
    return () => {
      stopped = true;
      clearInterval(timer);
      clearInterval(clock);
    };
  }, [projectId, notebookId, cellId, remote, startedAt]);
  const said = remote ? (line ?? "Starting the run on Databricks…") : "Running";
  return (
    <span className="nb-progress muted" data-testid="cell-progress">
      {percent !== null ? (
        <span
          className="nb-progress-bar"
          role="progressbar"
          aria-label="Query progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(percent)}
        >
          <span style={{ width: `${percent}%` }} />
        </span>
      ) : null}
      <span>
        {said}
        {percent !== null ? ` · ${Math.round(percent)}%` : ""} · {formatElapsed(elapsed)}
      </span>
    </span>
  );
}
