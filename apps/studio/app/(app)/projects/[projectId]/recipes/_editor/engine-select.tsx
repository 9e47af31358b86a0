"use client";

import type { EngineChoice, EngineOptions } from "@sous/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import type { RecipePreview } from "@/shared/api/recipe-preview-schemas.ts";
import { apiCall, errorMessage } from "@/ui/api.ts";

// The engine a recipe runs on: local, or a Databricks connection + compute profile. Each choice
// says whether it is possible and why not, naming the first step that blocks it (from the
// draft's compile); picking one stores the recipe's override (or follows the project).

interface Option {
  key: string;
  label: string;
  engine: EngineChoice | null;
  /** null: possible. */
  blocked: string | null;
  note?: string;
}

const keyOf = (e: EngineChoice | null) =>
  e === null ? "project" : e.kind === "local" ? "local" : `dbx:${e.connectionId}:${e.profileId}`;

/** "params.aggregations.0" -> "aggregation 1"; a prepare step -> its name. */
function describeStep(stepId: string, params: Record<string, unknown>): string {
  const steps = (params as { steps?: { id: string; name?: string; type: string }[] }).steps;
  const s = steps?.find((x) => x.id === stepId);
  if (s) return `'${s.name ?? s.type}' (#${(steps?.indexOf(s) ?? 0) + 1})`;
  const parts = stepId.replace(/^params\./, "").split(".");
  const words: string[] = [];
  for (const p of parts) {
    if (/^\d+$/.test(p)) {
      const last = words.pop() ?? "";
      words.push(`${last.replace(/s$/, "")} ${Number(p) + 1}`);
    } else words.push(p);
  }
  return `'${words.join(" › ")}'`;
}

function engineLabel(e: EngineChoice, opts: EngineOptions | null): string {
  if (e.kind === "local") return "Local (DuckDB)";
  const c = opts?.connections.find((x) => x.id === e.connectionId);
  const p = c?.profiles.find((x) => x.id === e.profileId);
  return `Databricks · ${c?.name ?? "unknown connection"} / ${p?.name ?? "unknown profile"}`;
}

export function EngineSelect({
  projectId,
  recipeId,
  preview,
  params,
  readOnly,
}: {
  projectId: string;
  /** null: a new recipe (the choice is made once it exists). */
  recipeId: string | null;
  preview: RecipePreview | null;
  params: Record<string, unknown>;
  readOnly: boolean;
}) {
  const [options, setOptions] = useState<EngineOptions | null>(null);
  const [current, setCurrent] = useState<{ engine: EngineChoice | null; effective: EngineChoice } | null>(
    null,
  );
  const [projectEngine, setProjectEngine] = useState<EngineChoice>({ kind: "local" });
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    const [o, p, c] = await Promise.all([
      apiCall("GET /projects/{projectId}/engine/options", { params: { projectId } }).catch(
        (): EngineOptions => ({ connections: [] }),
      ),
      apiCall("GET /projects/{projectId}/engine", { params: { projectId } })
        .then((x) => x.engine)
        .catch((): EngineChoice => ({ kind: "local" })),
      recipeId
        ? apiCall("GET /projects/{projectId}/recipes/{recipeId}/engine", {
            params: { projectId, recipeId },
          }).catch(() => null)
        : Promise.resolve(null),
    ]);
    setOptions(o);
    setProjectEngine(p);
    setCurrent(c ?? { engine: null, effective: p });
  }, [projectId, recipeId]);
  useEffect(() => {
    void load();
  }, [load]);

  // Close on a click outside or Escape.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const blockedBy = (dialect: "duckdb" | "spark"): string | null => {
    if (!preview) return null;
    const b = preview.engines[dialect].blocking;
    if (!b) return null;
    // A prepare step's reason already names it ("Step 'Parse user agent' (#3) has no ...").
    if (/^Step '/.test(b.reason)) return `Blocked: ${b.reason}`;
    return `Blocked by step ${describeStep(b.stepId, params)}: ${b.reason}`;
  };
  const localBlocked = blockedBy("duckdb");
  const sparkBlocked = blockedBy("spark");
  const list: Option[] = [
    {
      key: "local",
      label: "Local (DuckDB)",
      engine: { kind: "local" },
      blocked: localBlocked,
      note: "Runs on this server, on the whole data.",
    },
  ];
  for (const c of options?.connections ?? []) {
    for (const p of c.profiles) {
      const token =
        c.tokenState === "missing"
          ? c.isolation === "per-user"
            ? "No token of yours for this workspace: add it on your Account page."
            : "The workspace has no token: an administrator must set it."
          : c.tokenState === "unreadable"
            ? "The stored token cannot be read (the secret key changed): it must be entered again."
            : null;
      list.push({
        key: keyOf({ kind: "databricks", connectionId: c.id, profileId: p.id }),
        label: `Databricks · ${c.name} / ${p.name}`,
        engine: { kind: "databricks", connectionId: c.id, profileId: p.id },
        blocked: sparkBlocked ?? token,
        note: "Runs as SparkSQL on a cluster of this profile.",
      });
    }
  }
  const effective = current?.effective ?? null;
  const effectiveBlocked =
    effective === null ? null : effective.kind === "local" ? localBlocked : sparkBlocked;
  const blockedOn = (e: EngineChoice) => (e.kind === "local" ? localBlocked : sparkBlocked);
  const followLabel = `Follow the project (${engineLabel(projectEngine, options)})`;
  const selectedKey = current ? keyOf(current.engine) : "project";

  async function choose(engine: EngineChoice | null) {
    if (!recipeId) return;
    setBusy(keyOf(engine));
    setError(null);
    try {
      const r = await apiCall("PUT /projects/{projectId}/recipes/{recipeId}/engine", {
        params: { projectId, recipeId },
        body: { engine },
      });
      setCurrent(r);
      setOpen(false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="engine-select" ref={box}>
      <button
        type="button"
        className="engine-select-btn"
        aria-haspopup="listbox"
        aria-expanded={open}
        data-testid="engine-select"
        data-blocked={effectiveBlocked ? true : undefined}
        title={
          effectiveBlocked ??
          `Where this recipe runs: ${effective ? engineLabel(effective, options) : "loading"}${current?.engine === null ? " (the project's engine)" : ""}`
        }
        onClick={() => setOpen((o) => !o)}
      >
        <span className="muted small">Engine</span>{" "}
        <strong data-testid="engine-current">{effective ? engineLabel(effective, options) : "…"}</strong>
        {current && current.engine === null ? <span className="muted small"> (project)</span> : null}
        {effectiveBlocked ? (
          <span className="engine-warn" data-testid="engine-current-blocked">
            {" "}
            · cannot run there
          </span>
        ) : null}
        <span aria-hidden="true"> ▾</span>
      </button>
      {open ? (
        <div className="engine-menu" role="listbox" aria-label="Engines" data-testid="engine-menu">
          {recipeId ? null : (
            <p className="muted small engine-menu-note">Create the recipe to choose its engine.</p>
          )}
          <EngineRow
            option={{ key: "project", label: followLabel, engine: null, blocked: blockedOn(projectEngine) }}
            selected={selectedKey === "project"}
            busy={busy === "project"}
            disabled={readOnly || !recipeId}
            onPick={() => void choose(null)}
          />
          {list.map((o) => (
            <EngineRow
              key={o.key}
              option={o}
              selected={selectedKey === o.key}
              busy={busy === o.key}
              disabled={readOnly || !recipeId || o.blocked !== null}
              onPick={() => o.engine && void choose(o.engine)}
            />
          ))}
          {options && options.connections.length === 0 ? (
            <p className="muted small engine-menu-note">
              No Databricks workspace is set up: an administrator adds one under Databricks.
            </p>
          ) : null}
          {!preview ? (
            <p className="muted small engine-menu-note">
              Whether each engine can run it is known once the preview compiles.
            </p>
          ) : null}
          {error ? (
            <div className="form-error small" role="alert" data-testid="engine-error">
              {error}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function EngineRow({
  option,
  selected,
  busy,
  disabled,
  onPick,
}: {
  option: Option;
  selected: boolean;
  busy: boolean;
  disabled: boolean;
  onPick: () => void;
}) {
  return (
    <button
      type="button"
      role="option"
      aria-selected={selected}
      aria-disabled={disabled || undefined}
      className="engine-option"
      data-testid={`engine-option-${option.key}`}
      data-possible={option.blocked === null}
      disabled={disabled}
      onClick={onPick}
    >
      <span className="engine-option-mark" aria-hidden="true">
        {busy ? "…" : selected ? "✓" : ""}
      </span>
      <span className="engine-option-text">
        <span className="engine-option-label">{option.label}</span>
        <span
          className={option.blocked ? "engine-option-why form-error" : "engine-option-why muted"}
          data-testid={`engine-why-${option.key}`}
        >
          {option.blocked ?? (option.note ? `Possible. ${option.note}` : "Possible.")}
        </span>
      </span>
    </button>
  );
}
