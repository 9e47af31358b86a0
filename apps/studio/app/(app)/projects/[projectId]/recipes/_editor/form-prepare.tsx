"use client";

import "@/ui/prepare.css";
import { prepareStepEngines } from "@sous/compiler/prepare-catalog";
import {
  PREPARE_STEP_PARAMS,
  type PrepareParams,
  type PrepareStep,
  type PrepareStepType,
} from "@sous/contracts";
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from "react";
import type { Col } from "@/ui/columns.tsx";
import { EngineBadge } from "@/ui/engine-badge.tsx";
import { Input, Textarea } from "@/ui/field.tsx";
import { CloseIcon, CopyIcon, PlusIcon, TrashIcon } from "@/ui/icons.tsx";
import {
  CATEGORY_LABEL,
  catalog,
  defaultStepParams,
  infoOf,
  stepTypeEngines,
  type Verdicts,
} from "./prepare-defaults.ts";
import type { FormProps } from "./types.ts";
import { ZodFields } from "./zod-form.tsx";

// The prepare recipe's script: steps on the left (add from a searchable catalogue, reorder by
// drag or Alt+arrows, disable, duplicate, delete, rename, comment), each with its engine badges;
// clicking a step shows the sample "as of" that step on the right.

/** "city, country → city_upper" */
function summary(step: PrepareStep): string {
  const p = step.params as Record<string, unknown>;
  const cols = (Array.isArray(p.columns) ? p.columns : p.column ? [p.column] : []) as string[];
  const out = (p.output ?? p.prefix ?? p.outputPrefix) as string | undefined;
  if (step.type === "ColumnRenamer") {
    const r = (p.renamings as { from: string; to: string }[]) ?? [];
    return r.map((x) => `${x.from} → ${x.to}`).join(", ");
  }
  const head = cols.length > 3 ? `${cols.slice(0, 3).join(", ")} +${cols.length - 3}` : cols.join(", ");
  const bits: string[] = [];
  if (p.min !== undefined || p.max !== undefined) bits.push(`in [${p.min ?? "-∞"}, ${p.max ?? "∞"}]`);
  if (typeof p.mode === "string") bits.push(p.mode);
  if (typeof p.find === "string") bits.push(`"${p.find}" → "${p.replace ?? ""}"`);
  if (Array.isArray(p.values))
    bits.push(`= ${p.values.slice(0, 3).join(" | ")}${p.values.length > 3 ? " …" : ""}`);
  if (typeof p.formula === "string")
    bits.push(p.formula.length > 40 ? `${p.formula.slice(0, 39).trimEnd()}…` : p.formula);
  if (typeof p.action === "string") bits.push(p.action);
  return [head, ...bits, out ? `→ ${out}` : ""].filter(Boolean).join(" ");
}

function nextStepId(steps: PrepareStep[]): string {
  let n = steps.length + 1;
  const ids = new Set(steps.map((s) => s.id));
  while (ids.has(`step_${n}`)) n++;
  return `step_${n}`;
}

function moveItem<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [x] = next.splice(from, 1);
  next.splice(to, 0, x as T);
  return next;
}

/** Unfold: its values from the sample (the column as the first input has it). */
function LoadValues({
  column,
  load,
  onValues,
  testId,
}: {
  column: string;
  load: FormProps<unknown>["distinctValues"];
  onValues: (values: (string | number | boolean)[]) => void;
  testId: string;
}) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  return (
    <div className="load-values">
      <button
        type="button"
        className="add-btn"
        data-testid={testId}
        disabled={state.busy || !column}
        onClick={async () => {
          setState({ busy: true, error: null });
          try {
            const vals = (await load(column)).filter((v): v is string | number | boolean => v !== null);
            if (vals.length === 0) throw new Error(`No value of ${column} in the sample.`);
            onValues(vals.slice(0, 1000));
            setState({ busy: false, error: null });
          } catch (e) {
            setState({
              busy: false,
              error: `Could not read the values of ${column} from the input's sample (${
                e instanceof Error ? e.message : String(e)
              }): list them above.`,
            });
          }
        }}
      >
        {state.busy ? "Loading…" : `Load the values of ${column || "the column"} from the sample`}
      </button>
      {state.error ? <div className="field-error small">{state.error}</div> : null}
    </div>
  );
}

export function PrepareForm({
  params,
  set,
  inputs,
  readOnly,
  preview,
  asOf,
  setAsOf,
  distinctValues,
}: FormProps<PrepareParams>) {
  const steps = (params.steps ?? []) as PrepareStep[];
  const inputCols = inputs[0]?.columns ?? [];
  const [adding, setAdding] = useState(false);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const selected = asOf ?? null;
  const select = (id: string | null) => setAsOf?.(id);

  const setSteps = (next: PrepareStep[], key?: string) => set({ ...params, steps: next }, key);

  // Engines: the preview's verdicts (they know the column types), else the step's own.
  const fromPreview = useMemo(() => new Map((preview?.steps ?? []).map((s) => [s.id, s.engines])), [preview]);
  const verdicts = (s: PrepareStep): Verdicts => {
    const known = fromPreview.get(s.id);
    if (known) return known;
    try {
      return prepareStepEngines(s);
    } catch {
      // Params half-typed: the preview's compile error says what is missing.
      const v = { level: "partial", condition: "finish the step's settings" } as const;
      return { spark: v, duckdb: v };
    }
  };
  const schemaAfter = useMemo(() => new Map((preview?.stepSchemas ?? []).map((s) => [s.id, s])), [preview]);
  /** Columns a step sees: the schema after the previous step. */
  const columnsBefore = (i: number): Col[] => {
    for (let j = i - 1; j >= 0; j--) {
      const s = schemaAfter.get(steps[j]!.id);
      if (s) return s.schema;
    }
    return inputCols;
  };

  function addStep(type: PrepareStepType) {
    const at = selected ? steps.findIndex((s) => s.id === selected) + 1 : steps.length;
    const cols = columnsBefore(at);
    const taken = new Set(cols.map((c) => c.name));
    const step = {
      id: nextStepId(steps),
      type,
      params: defaultStepParams(type, cols, taken),
    } as PrepareStep;
    const next = [...steps];
    next.splice(at, 0, step);
    setSteps(next);
    setAdding(false);
    select(step.id);
  }

  function updateStep(i: number, patch: Partial<PrepareStep>, key?: string) {
    setSteps(
      steps.map((s, j) => (j === i ? ({ ...s, ...patch } as PrepareStep) : s)),
      key,
    );
  }

  function move(from: number, to: number) {
    if (to < 0 || to >= steps.length || from === to) return;
    setSteps(moveItem(steps, from, to));
  }

  function onStepKey(e: KeyboardEvent, i: number) {
    if (readOnly) return;
    if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      const to = e.key === "ArrowUp" ? i - 1 : i + 1;
      move(i, to);
      // Keep the focus on the moved step.
      requestAnimationFrame(() =>
        listRef.current
          ?.querySelectorAll<HTMLElement>(".step-head")
          [Math.max(0, Math.min(steps.length - 1, to))]?.focus(),
      );
    } else if (e.key === "Delete" && (e.target as HTMLElement).classList.contains("step-head")) {
      e.preventDefault();
      setSteps(steps.filter((_, j) => j !== i));
    }
  }

  // Which engine runs the recipe, and the first step that blocks the other.
  const enabled = steps.map((s, i) => ({ s, i })).filter((x) => !x.s.disabled);
  const blocking = (e: "spark" | "duckdb") => {
    const b = preview?.engines[e].blocking;
    if (b && b.stepId !== "prepare") return b.reason;
    const first = enabled.find((x) => verdicts(x.s)[e].level === "none");
    if (!first) return null;
    const v = verdicts(first.s)[e] as { reason: string };
    return v.reason.startsWith("Step ")
      ? v.reason
      : `Step '${first.s.name ?? infoOf(first.s.type)?.label}' (#${first.i + 1}): ${v.reason}`;
  };
  const sparkBlock = blocking("spark");
  const duckBlock = blocking("duckdb");

  return (
    <section className="editor-section prepare-form" data-testid="prepare-form">
      <div className="prepare-engine-summary" data-testid="prepare-engines">
        <div className="pe-line" data-testid="prepare-engine-duckdb" data-ok={!duckBlock}>
          <span className={`pe-dot ${duckBlock ? "danger" : "success"}`} aria-hidden="true" />
          <strong>Local</strong>
          <span>{duckBlock ?? "runs every step"}</span>
        </div>
        <div className="pe-line" data-testid="prepare-engine-spark" data-ok={!sparkBlock}>
          <span className={`pe-dot ${sparkBlock ? "danger" : "success"}`} aria-hidden="true" />
          <strong>Databricks</strong>
          <span data-testid="prepare-spark-blocker">
            {sparkBlock ? sparkBlock : "every step has a SparkSQL form"}
          </span>
        </div>
      </div>

      <div className="prepare-steps-head">
        <h3>
          Script{" "}
          <span className="muted small">
            {steps.length ? `${steps.length} step${steps.length > 1 ? "s" : ""}` : ""}
          </span>
        </h3>
        {selected ? (
          <button
            type="button"
            className="link-btn"
            data-testid="show-all-steps"
            onClick={() => select(null)}
          >
            Show the result of every step
          </button>
        ) : null}
      </div>
      {steps.length === 0 ? (
        <div className="prepare-empty" data-testid="prepare-empty">
          No steps yet: the output is the input. Add a step to clean, reshape or enrich the data.
        </div>
      ) : null}
      <ol className="prepare-steps" data-testid="prepare-steps" ref={listRef} aria-label="Prepare steps">
        {steps.map((s, i) => {
          const info = infoOf(s.type);
          const v = verdicts(s);
          const open = selected === s.id;
          const ss = schemaAfter.get(s.id);
          const name = s.name ?? info?.label ?? s.type;
          return (
            <li
              key={s.id}
              className={`prepare-step${open ? " is-open" : ""}${s.disabled ? " is-disabled" : ""}${
                dropAt === i && dragFrom !== null && dragFrom !== i
                  ? dragFrom < i
                    ? " drop-after"
                    : " drop-before"
                  : ""
              }`}
              data-testid={`prepare-step-${i}`}
              data-step-id={s.id}
              data-type={s.type}
              data-disabled={s.disabled ? true : undefined}
              draggable={!readOnly}
              onDragStart={(e) => {
                setDragFrom(i);
                e.dataTransfer.effectAllowed = "move";
                e.dataTransfer.setData("text/plain", String(i));
              }}
              onDragOver={(e) => {
                if (dragFrom === null) return;
                e.preventDefault();
                setDropAt(i);
              }}
              onDrop={(e) => {
                e.preventDefault();
                const from = dragFrom ?? Number(e.dataTransfer.getData("text/plain"));
                move(from, i);
                setDragFrom(null);
                setDropAt(null);
              }}
              onDragEnd={() => {
                setDragFrom(null);
                setDropAt(null);
              }}
            >
              {/* biome-ignore lint/a11y/useSemanticElements: a row with buttons inside cannot be a <button> */}
              <div
                className="step-head"
                role="button"
                tabIndex={0}
                aria-expanded={open}
                aria-label={`Step ${i + 1}: ${name}. Enter opens it, Alt+Up/Down moves it`}
                data-testid={`prepare-step-${i}-head`}
                onClick={() => select(open ? null : s.id)}
                onKeyDown={(e) => {
                  if ((e.key === "Enter" || e.key === " ") && e.target === e.currentTarget) {
                    e.preventDefault();
                    select(open ? null : s.id);
                  } else onStepKey(e, i);
                }}
              >
                <span className="step-grip" aria-hidden="true" title="Drag to reorder">
                  ⋮⋮
                </span>
                <span className="step-num">{i + 1}</span>
                <span className="step-text">
                  <span className="step-name" data-testid={`prepare-step-${i}-name`}>
                    {name}
                  </span>
                  <span className="step-summary">{summary(s)}</span>
                  {s.comment ? (
                    <span className="step-comment" data-testid={`prepare-step-${i}-comment`}>
                      {s.comment}
                    </span>
                  ) : null}
                </span>
                <span className="step-engines" data-testid={`prepare-step-${i}-engines`}>
                  <EngineBadge
                    engine="duckdb"
                    verdict={v.duckdb}
                    compact
                    testId={`prepare-step-${i}-duckdb`}
                  />
                  <EngineBadge engine="spark" verdict={v.spark} compact testId={`prepare-step-${i}-spark`} />
                </span>
                {ss && (ss.added.length || ss.changed.length || ss.removed.length) ? (
                  <span className="step-delta" title="Columns added / changed / removed">
                    {ss.added.length ? <span className="delta-added">+{ss.added.length}</span> : null}
                    {ss.changed.length ? <span className="delta-changed">~{ss.changed.length}</span> : null}
                    {ss.removed.length ? <span className="delta-removed">−{ss.removed.length}</span> : null}
                  </span>
                ) : null}
                {readOnly ? null : (
                  // biome-ignore lint/a11y/noStaticElementInteractions: stops row clicks from its buttons
                  // biome-ignore lint/a11y/useKeyWithClickEvents: the buttons inside have their own keys
                  <span className="step-actions" onClick={(e) => e.stopPropagation()}>
                    <label
                      className="step-toggle"
                      title={s.disabled ? "Enable the step" : "Disable the step"}
                    >
                      <input
                        type="checkbox"
                        checked={!s.disabled}
                        aria-label={`Step ${i + 1} enabled`}
                        data-testid={`prepare-step-${i}-enabled`}
                        onChange={(e) => updateStep(i, { disabled: e.target.checked ? undefined : true })}
                      />
                    </label>
                    <button
                      type="button"
                      className="icon-btn"
                      aria-label={`Duplicate step ${i + 1}`}
                      title="Duplicate"
                      data-testid={`prepare-step-${i}-duplicate`}
                      onClick={() => {
                        const copy = { ...structuredClone(s), id: nextStepId(steps) } as PrepareStep;
                        const next = [...steps];
                        next.splice(i + 1, 0, copy);
                        setSteps(next);
                      }}
                    >
                      <CopyIcon size={14} />
                    </button>
                    <button
                      type="button"
                      className="icon-btn"
                      aria-label={`Delete step ${i + 1}`}
                      title="Delete"
                      data-testid={`prepare-step-${i}-delete`}
                      onClick={() => {
                        setSteps(steps.filter((_, j) => j !== i));
                        if (open) select(null);
                      }}
                    >
                      <TrashIcon size={14} />
                    </button>
                  </span>
                )}
              </div>
              {open ? (
                <div className="step-body" data-testid={`prepare-step-${i}-body`}>
                  <div className="step-meta">
                    <Input
                      aria-label="Step name"
                      data-testid={`prepare-step-${i}-rename`}
                      placeholder={info?.label}
                      value={s.name ?? ""}
                      disabled={readOnly}
                      maxLength={256}
                      onChange={(e) => updateStep(i, { name: e.target.value || undefined }, `name-${s.id}`)}
                    />
                  </div>
                  {info ? <p className="step-doc">{info.description}</p> : null}
                  {(["duckdb", "spark"] as const).map((e) =>
                    v[e].level === "full" ? null : (
                      <p key={e} className={`step-engine-note ${v[e].level}`}>
                        {e === "spark" ? "Databricks" : "Local"}:{" "}
                        {v[e].level === "partial"
                          ? (v[e] as { condition: string }).condition
                          : (v[e] as { reason: string }).reason}
                      </p>
                    ),
                  )}
                  <ZodFields
                    // biome-ignore lint/suspicious/noExplicitAny: walked generically
                    schema={PREPARE_STEP_PARAMS[s.type] as any}
                    value={s.params as Record<string, unknown>}
                    onChange={(p, key) => updateStep(i, { params: p } as Partial<PrepareStep>, key)}
                    columns={columnsBefore(i)}
                    testId={`step-param-${i}`}
                    disabled={readOnly}
                    {...(s.type === "FilterOnFormula" ? { formulaExpect: "boolean" as const } : {})}
                  />
                  {s.type === "Unfold" && !readOnly ? (
                    <LoadValues
                      column={(s.params as { column: string }).column}
                      load={distinctValues}
                      testId={`prepare-step-${i}-load-values`}
                      onValues={(values) =>
                        updateStep(i, { params: { ...s.params, values } } as Partial<PrepareStep>)
                      }
                    />
                  ) : null}
                  <Textarea
                    aria-label="Comment"
                    data-testid={`prepare-step-${i}-comment-input`}
                    className="step-comment-input"
                    placeholder="Comment: why this step is here"
                    rows={2}
                    value={s.comment ?? ""}
                    disabled={readOnly}
                    onChange={(e) =>
                      updateStep(i, { comment: e.target.value || undefined }, `comment-${s.id}`)
                    }
                  />
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      {readOnly ? null : adding ? (
        <StepCatalog onPick={addStep} onClose={() => setAdding(false)} />
      ) : (
        <button
          type="button"
          className="add-btn add-step-btn"
          data-testid="add-step"
          onClick={() => setAdding(true)}
        >
          <PlusIcon size={14} />
          Add a step{selected ? ` after #${steps.findIndex((s) => s.id === selected) + 1}` : ""}
        </button>
      )}
    </section>
  );
}

/** The searchable catalogue of step types, grouped by category, with their engines. */
function StepCatalog({ onPick, onClose }: { onPick: (t: PrepareStepType) => void; onClose: () => void }) {
  const [q, setQ] = useState("");
  const search = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.scrollIntoView({ block: "nearest" });
    search.current?.focus({ preventScroll: true });
  }, []);
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const items = catalog().filter((c) => {
    const hay = `${c.label} ${c.type} ${c.description} ${c.category}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const groups = Object.keys(CATEGORY_LABEL)
    .map((cat) => ({ cat, items: items.filter((c) => c.category === cat) }))
    .filter((g) => g.items.length);
  return (
    <div
      ref={box}
      className="step-catalog"
      data-testid="step-catalog"
      role="dialog"
      aria-label="Add a step"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <div className="step-catalog-head">
        <input
          ref={search}
          className="input"
          placeholder={`Search ${catalog().length} step types…`}
          aria-label="Search step types"
          data-testid="step-search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && items[0]) {
              e.preventDefault();
              onPick(items[0].type);
            }
          }}
        />
        <button type="button" className="icon-btn" aria-label="Close the catalogue" onClick={onClose}>
          <CloseIcon size={14} />
        </button>
      </div>
      <div className="step-catalog-list">
        {groups.length === 0 ? <p className="muted small">No step type matches “{q}”.</p> : null}
        {groups.map((g) => (
          <div key={g.cat} className="step-cat-group">
            <div className="step-cat-title">{CATEGORY_LABEL[g.cat]}</div>
            {g.items.map((c) => {
              const e = stepTypeEngines(c.type);
              return (
                <button
                  type="button"
                  key={c.type}
                  className="step-cat-item"
                  data-testid={`add-step-${c.type}`}
                  title={c.description}
                  onClick={() => onPick(c.type)}
                >
                  <span className="sci-label">{c.label}</span>
                  <span className="sci-desc">{c.description}</span>
                  {e.spark.level !== "full" ? (
                    <span className={`sci-engine ${e.spark.level}`}>
                      {e.spark.level === "none" ? "local only" : "partial on Databricks"}
                    </span>
                  ) : null}
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
