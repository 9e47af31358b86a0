"use client";

import type { FilterCondition, FilterValue, SplitParams } from "@sous/contracts";
import { AddButton, type Col, ColumnMulti, ColumnSelect, RemoveButton } from "@/ui/columns.tsx";
import { Checkbox, Field, Input, Select } from "@/ui/field.tsx";
import { isNumericType } from "@/ui/format.ts";
import { toObjectName, uniqueName } from "@/ui/recipe-kinds.ts";
import { type AnyRule, defaultRule, RuleList } from "./form-filter.tsx";
import { Section } from "./forms-basic.tsx";
import type { FormProps } from "./types.ts";

// The Split recipe: one input, several outputs. Output i takes the rows of rule set i (rules),
// of value list i (values) or of ratio i (random); the last output, when kept, takes the rest.

type Mode = SplitParams["mode"];

/** How many outputs the params write (one per rule set / value list / ratio, then the other rows). */
export function splitOutputCount(p: SplitParams): number {
  const n = p.mode === "random" ? p.ratios.length : p.outputs.length;
  return n + (p.otherRows === false ? 0 : 1);
}

function condition(cols: Col[]): FilterCondition {
  const r = defaultRule(cols);
  return { combine: "and", rules: r ? [r as FilterCondition["rules"][number]] : [] };
}

/** Split params of another mode with `n` outputs, keeping what carries over. */
function withMode(p: SplitParams, mode: Mode, n: number, cols: Col[]): SplitParams {
  const otherRows = p.otherRows !== false;
  if (mode === "rules")
    return {
      mode,
      outputs: Array.from({ length: n }, () => condition(cols)),
      dispatch: "firstMatch",
      otherRows,
    };
  if (mode === "values") {
    const col = cols.find((c) => c.type === "string") ?? cols[0];
    return {
      mode,
      column: col?.name ?? "",
      outputs: Array.from({ length: n }, () => ({ values: [""] })),
      otherRows,
    };
  }
  return {
    mode,
    ratios: Array.from({ length: n }, () => Math.floor(100 / (n + 1)) / 100),
    seed: 0,
    otherRows,
  };
}

/** Default params of a new split: two rule sets on the first column, and the other rows. */
export function defaultSplitParams(cols: Col[]): SplitParams {
  return withMode({ mode: "random", ratios: [0.5], seed: 0, otherRows: true }, "rules", 2, cols);
}

/** Dataset names for a new split's outputs: <input>_1, <input>_2..., <input>_other. */
export function defaultSplitNames(base: string, p: SplitParams, taken: ReadonlySet<string>): string[] {
  const n = splitOutputCount(p) - (p.otherRows === false ? 0 : 1);
  const used = new Set(taken);
  const names: string[] = [];
  const add = (suffix: string) => {
    const name = uniqueName(toObjectName(`${base}_${suffix}`), used);
    used.add(name);
    names.push(name);
  };
  for (let i = 0; i < n; i++) add(String(i + 1));
  if (p.otherRows !== false) add("other");
  return names;
}

function parseValue(text: string, type: string | undefined): FilterValue {
  if (type && isNumericType(type) && /^\s*-?\d+(\.\d+)?\s*$/.test(text)) return Number(text);
  if (type === "boolean" && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === "true";
  return text;
}

export function SplitForm({ params, set, inputs, step, readOnly, outputs }: FormProps<SplitParams>) {
  const cols = inputs[0]?.columns ?? [];
  const base = inputs[0]?.name ?? "output";
  const names = outputs?.names ?? [];
  const ids = names.map((_, i) => outputs?.ids[i] ?? null);
  const saved = ids.some((id) => id !== null) || Boolean(outputs?.dropped.length);
  const canResize = Boolean(outputs?.set) && !readOnly;
  const taken = outputs?.taken ?? new Set<string>();
  const otherRows = params.otherRows !== false;
  const n = params.mode === "random" ? params.ratios.length : params.outputs.length;
  const nameUsed = (name: string, i: number) =>
    taken.has(name) || names.some((x, j) => j !== i && x === name);

  /** Params, names and dataset ids together (one undo step); an existing output keeps its dataset. */
  const setBoth = (next: SplitParams, nextNames: string[], key?: string, nextIds = ids) => {
    if (outputs?.set) outputs.set(next, nextNames, nextIds, key);
    else set(next, key);
  };
  const newName = (suffix: string, others: string[]) =>
    uniqueName(toObjectName(`${base}_${suffix}`), new Set([...taken, ...others]));

  function addOutput() {
    const kept = names.slice(0, n);
    const name = newName(String(n + 1), names);
    const nextNames = [...kept, name, ...names.slice(n)];
    const nextIds = [...ids.slice(0, n), null, ...ids.slice(n)];
    if (params.mode === "rules")
      setBoth({ ...params, outputs: [...params.outputs, condition(cols)] }, nextNames, undefined, nextIds);
    else if (params.mode === "values")
      setBoth({ ...params, outputs: [...params.outputs, { values: [""] }] }, nextNames, undefined, nextIds);
    else {
      const left = Math.max(0.01, Math.round((1 - params.ratios.reduce((a, b) => a + b, 0)) * 100) / 100);
      setBoth({ ...params, ratios: [...params.ratios, Math.min(1, left)] }, nextNames, undefined, nextIds);
    }
  }
  function removeOutput(i: number) {
    const nextNames = names.filter((_, j) => j !== i);
    const nextIds = ids.filter((_, j) => j !== i);
    if (params.mode === "random")
      setBoth({ ...params, ratios: params.ratios.filter((_, j) => j !== i) }, nextNames, undefined, nextIds);
    else if (params.mode === "rules")
      setBoth(
        { ...params, outputs: params.outputs.filter((_, j) => j !== i) },
        nextNames,
        undefined,
        nextIds,
      );
    else
      setBoth(
        { ...params, outputs: params.outputs.filter((_, j) => j !== i) },
        nextNames,
        undefined,
        nextIds,
      );
    if (outputs && outputs.previewed >= i && outputs.previewed > 0) outputs.preview(outputs.previewed - 1);
  }
  function toggleOther(on: boolean) {
    const nextNames = on ? [...names.slice(0, n), newName("other", names.slice(0, n))] : names.slice(0, n);
    const nextIds = on ? [...ids.slice(0, n), null] : ids.slice(0, n);
    setBoth({ ...params, otherRows: on }, nextNames, undefined, nextIds);
    if (!on && outputs && outputs.previewed >= n) outputs.preview(0);
  }

  const ratioSum = params.mode === "random" ? params.ratios.reduce((a, b) => a + b, 0) : 0;

  return (
    <>
      <Section
        title="Split"
        hint="Each row of the input goes to one output (or to several, with 'every matching output')."
      >
        <div className="inline-fields">
          <Field label="Split by">
            {({ id }) => (
              <Select
                id={id}
                data-testid="split-mode"
                value={params.mode}
                disabled={readOnly}
                onChange={(e) => set(withMode(params, e.target.value as Mode, n, cols))}
              >
                <option value="rules">Filter rules</option>
                <option value="values">Values of a column</option>
                <option value="random">Random share (seeded)</option>
              </Select>
            )}
          </Field>
          {params.mode === "rules" ? (
            <Field label="A row matching several outputs goes to">
              {({ id }) => (
                <Select
                  id={id}
                  data-testid="split-dispatch"
                  value={params.dispatch}
                  disabled={readOnly}
                  onChange={(e) =>
                    set({ ...params, dispatch: e.target.value as "firstMatch" | "allMatching" })
                  }
                >
                  <option value="firstMatch">the first one only</option>
                  <option value="allMatching">every matching output</option>
                </Select>
              )}
            </Field>
          ) : null}
          {params.mode === "values" ? (
            <Field label="Column">
              {() => (
                <ColumnSelect
                  columns={cols}
                  value={params.column}
                  label="Column whose values pick the output"
                  testId="split-column"
                  disabled={readOnly}
                  onChange={(column) => set({ ...params, column })}
                />
              )}
            </Field>
          ) : null}
          {params.mode === "random" ? (
            <Field label="Seed">
              {({ id }) => (
                <Input
                  id={id}
                  type="number"
                  min={0}
                  data-testid="split-seed"
                  disabled={readOnly}
                  value={String(params.seed)}
                  onChange={(e) =>
                    set(
                      { ...params, seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) },
                      "split-seed",
                    )
                  }
                />
              )}
            </Field>
          ) : null}
        </div>
        {params.mode === "random" ? (
          <div className="field-block">
            <span className="as-label">Hash of</span>
            <ColumnMulti
              columns={cols}
              value={params.columns ?? []}
              label="Columns the random draw reads (none: every column)"
              testId="split-hash-columns"
              empty="every column"
              disabled={readOnly}
              onChange={(columns) => {
                const { columns: _c, ...rest } = params;
                set(columns.length ? { ...rest, columns } : rest);
              }}
            />
            <p className="field-hint">
              The same rows land in the same output on every run and on every engine (a hash of these columns
              and the seed; none picked: every column).
            </p>
          </div>
        ) : null}
      </Section>
      <Section
        title="Outputs"
        hint={
          saved && canResize
            ? "One dataset per output, built together when the recipe runs. A new output writes a new dataset; a removed output's dataset stays, with its data."
            : "One dataset per output, built together when the recipe runs."
        }
      >
        <div className="rows split-outputs">
          {Array.from({ length: n }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: outputs are positional (output i writes dataset i)
            <div className="row-card split-output" key={i} data-testid={`split-output-${i}`}>
              <OutputHead
                i={i}
                name={names[i] ?? `Output ${i + 1}`}
                editable={canResize && ids[i] === null}
                isNew={saved && ids[i] === null}
                invalid={nameUsed((names[i] ?? "").trim(), i)}
                onName={(name) =>
                  setBoth(
                    params,
                    names.map((x, j) => (j === i ? name : x)),
                    `split-name-${i}`,
                  )
                }
                previewed={outputs?.previewed === i}
                onPreview={() => outputs?.preview(i)}
                onRemove={canResize && n > 1 ? () => removeOutput(i) : null}
              />
              {params.mode === "rules" ? (
                <RuleList
                  cols={cols}
                  rules={(params.outputs[i]?.rules ?? []) as AnyRule[]}
                  combine={params.outputs[i]?.combine ?? "and"}
                  setRules={(rules, key) => {
                    if (!rules.length) return; // an output needs at least one rule
                    set(
                      {
                        ...params,
                        outputs: params.outputs.map((c, j) =>
                          j === i ? { ...c, rules: rules as FilterCondition["rules"] } : c,
                        ),
                      },
                      key,
                    );
                  }}
                  setCombine={(combine) =>
                    set({
                      ...params,
                      outputs: params.outputs.map((c, j) => (j === i ? { ...c, combine } : c)),
                    })
                  }
                  step={step}
                  stepPath={`params.outputs.${i}.rules`}
                  readOnly={readOnly}
                  p={`out-${i}-`}
                />
              ) : params.mode === "values" ? (
                <div className="row-line">
                  <span className="as-label">Values</span>
                  <Input
                    aria-label={`Values of ${params.column} sent to output ${i + 1}, comma separated`}
                    data-testid={`split-values-${i}`}
                    placeholder="a, b, c"
                    disabled={readOnly}
                    value={(params.outputs[i]?.values ?? [])
                      .map((v) => (v === null ? "NULL" : String(v)))
                      .join(", ")}
                    onChange={(e) => {
                      const type = cols.find((c) => c.name === params.column)?.type;
                      const values = e.target.value
                        .split(",")
                        .map((s) => s.trim())
                        .map((s) => (s === "NULL" ? null : parseValue(s, type)));
                      set(
                        {
                          ...params,
                          outputs: params.outputs.map((o, j) => (j === i ? { values } : o)),
                        },
                        `split-values-${i}`,
                      );
                    }}
                  />
                  {step(`params.outputs.${i}`)}
                </div>
              ) : (
                <div className="row-line">
                  <span className="as-label">Share (%)</span>
                  <Input
                    type="number"
                    min={1}
                    max={100}
                    step="any"
                    aria-label={`Share of the rows sent to output ${i + 1}, in percent`}
                    data-testid={`split-ratio-${i}`}
                    disabled={readOnly}
                    value={String(Math.round((params.ratios[i] ?? 0) * 10000) / 100)}
                    onChange={(e) => {
                      const pct = Math.min(100, Math.max(0.01, Number(e.target.value) || 0.01));
                      set(
                        { ...params, ratios: params.ratios.map((r, j) => (j === i ? pct / 100 : r)) },
                        `split-ratio-${i}`,
                      );
                    }}
                  />
                </div>
              )}
            </div>
          ))}
          {canResize ? (
            <AddButton testId="split-add-output" onClick={addOutput} disabled={n >= 64}>
              Add output
            </AddButton>
          ) : null}
          {params.mode === "random" && ratioSum > 1.000001 ? (
            <div className="field-error" role="alert" data-testid="split-ratio-error">
              The shares add up to {Math.round(ratioSum * 100)}%: lower them to 100% at most.
            </div>
          ) : null}
          {outputs?.dropped.length ? (
            <p className="field-hint" data-testid="split-dropped">
              No longer written by this recipe once saved (the dataset
              {outputs.dropped.length > 1 ? "s stay" : " stays"}, with{" "}
              {outputs.dropped.length > 1 ? "their" : "its"} data): {outputs.dropped.join(", ")}
            </p>
          ) : null}
          <div className="row-card split-output split-other" data-testid="split-other">
            <Checkbox
              label={
                params.mode === "random"
                  ? `Write the other rows (${Math.max(0, Math.round((1 - ratioSum) * 100))}%) to a last output`
                  : "Write the rows no output took to a last output"
              }
              data-testid="split-other-rows"
              checked={otherRows}
              disabled={!canResize}
              onChange={(e) => toggleOther(e.target.checked)}
            />
            {otherRows ? (
              <OutputHead
                i={n}
                name={names[n] ?? "Other rows"}
                editable={canResize && ids[n] === null}
                isNew={saved && ids[n] === null}
                invalid={nameUsed((names[n] ?? "").trim(), n)}
                onName={(name) =>
                  setBoth(
                    params,
                    names.map((x, j) => (j === n ? name : x)),
                    `split-name-${n}`,
                  )
                }
                previewed={outputs?.previewed === n}
                onPreview={() => outputs?.preview(n)}
                onRemove={null}
              />
            ) : null}
          </div>
        </div>
      </Section>
    </>
  );
}

function OutputHead({
  i,
  name,
  editable,
  isNew,
  invalid,
  onName,
  previewed,
  onPreview,
  onRemove,
}: {
  i: number;
  name: string;
  editable: boolean;
  /** A new dataset on a saved recipe (written once the recipe is saved). */
  isNew: boolean;
  invalid: boolean;
  onName: (name: string) => void;
  previewed: boolean;
  onPreview: () => void;
  onRemove: (() => void) | null;
}) {
  return (
    <div className="row-line split-output-head">
      <span className="split-output-index" aria-hidden="true">
        {i + 1}
      </span>
      {editable ? (
        <Input
          aria-label={`Name of output dataset ${i + 1}`}
          data-testid={`split-output-name-${i}`}
          value={name}
          maxLength={128}
          aria-invalid={invalid || !name.trim() || undefined}
          title={invalid ? `${name} is already used` : undefined}
          onChange={(e) => onName(e.target.value)}
        />
      ) : (
        <span className="split-output-name" data-testid={`split-output-name-${i}`}>
          {name}
        </span>
      )}
      {isNew ? (
        <span className="muted small" data-testid={`split-output-new-${i}`}>
          new dataset
        </span>
      ) : null}
      <button
        type="button"
        className="pane-tab split-preview-btn"
        aria-pressed={previewed}
        data-testid={`split-preview-${i}`}
        title="Show this output in the preview"
        onClick={onPreview}
      >
        {previewed ? "Previewed" : "Preview"}
      </button>
      {onRemove ? (
        <RemoveButton label={`Remove output ${i + 1}`} testId={`split-remove-${i}`} onClick={onRemove} />
      ) : null}
    </div>
  );
}
