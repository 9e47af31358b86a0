"use client";

import type { DatasetInfo, GroupAggregationFn, Recipe } from "@sous/contracts";
import { type FormEvent, useRef, useState } from "react";
import { api, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Checkbox, Field, FormError, Input, Select } from "@/ui/field.tsx";
import { isNumericType } from "@/ui/format.ts";
import { CloseIcon, PlusIcon } from "@/ui/icons.tsx";

const FUNCTIONS: { fn: GroupAggregationFn; label: string }[] = [
  { fn: "sum", label: "Sum" },
  { fn: "avg", label: "Average" },
  { fn: "min", label: "Min" },
  { fn: "max", label: "Max" },
  { fn: "count", label: "Count" },
  { fn: "countDistinct", label: "Count distinct" },
  { fn: "stddev", label: "Std deviation" },
  { fn: "variance", label: "Variance" },
  { fn: "first", label: "First" },
  { fn: "last", label: "Last" },
  { fn: "concat", label: "Concatenate" },
];

interface AggRow {
  /** Stable React key: rows are added and removed in the middle. */
  uid: number;
  column: string;
  fn: GroupAggregationFn;
  as: string;
}

/** Dataset and recipe names accept letters, digits, space, _ - . (ObjectNameSchema); make any text fit. */
export function toObjectName(raw: string): string {
  const s = raw
    .replace(/[^\p{L}\p{N} _.-]+/gu, "_")
    .replace(/_+/g, "_")
    .replace(/^[^\p{L}\p{N}_]+/u, "")
    .trim()
    .slice(0, 120);
  return s || "dataset";
}

export function GroupRecipeForm({
  projectId,
  input,
  takenNames,
  onCreated,
  onCancel,
}: {
  projectId: string;
  input: DatasetInfo;
  takenNames: ReadonlySet<string>;
  onCreated: (recipe: Recipe) => void;
  onCancel: () => void;
}) {
  const columns = input.schema ?? [];
  const nextUid = useRef(1);
  const [keys, setKeys] = useState<string[]>([]);
  // One row to start with: most group recipes sum or count something, and the first numeric
  // column is the likeliest measure.
  const [aggs, setAggs] = useState<AggRow[]>(() => {
    const measure = columns.find((c) => isNumericType(c.type)) ?? columns[0];
    return measure
      ? [{ uid: 0, column: measure.name, fn: isNumericType(measure.type) ? "sum" : "count", as: "" }]
      : [];
  });
  const [globalCount, setGlobalCount] = useState(true);
  const [outputName, setOutputName] = useState("");
  const [outputEdited, setOutputEdited] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const suggested = toObjectName(
    keys.length ? `${input.name}_by_${keys.join("_")}` : `${input.name}_grouped`,
  );
  const output = outputEdited ? outputName : suggested;
  const nameTaken = takenNames.has(output.trim());

  function updateAgg(uid: number, patch: Partial<AggRow>) {
    setAggs((rows) => rows.map((r) => (r.uid === uid ? { ...r, ...patch } : r)));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (aggs.length === 0 && !globalCount && keys.length === 0) {
      setError(
        "Pick at least one key, one aggregation or the global count: the output would have no columns.",
      );
      return;
    }
    setBusy(true);
    try {
      const out = output.trim();
      const recipe = await api<Recipe>(`/projects/${projectId}/recipes`, {
        method: "POST",
        json: {
          // DSS names a recipe after what it computes; users recognise "compute_<output>".
          name: toObjectName(`compute_${out}`),
          inputs: [input.id],
          output: { name: out },
          spec: {
            kind: "group",
            version: 1,
            params: {
              keys,
              aggregations: aggs.map((a) =>
                a.as.trim()
                  ? { column: a.column, fn: a.fn, as: a.as.trim() }
                  : { column: a.column, fn: a.fn },
              ),
              globalCount,
            },
          },
        },
      });
      onCreated(recipe);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  if (columns.length === 0) {
    return (
      <div className="side-section">
        <FormError message={`The columns of ${input.name} are not known yet. Build it first.`} />
        <div className="side-actions">
          <Button onClick={onCancel}>Back</Button>
        </div>
      </div>
    );
  }

  return (
    <form
      className="form-stack"
      onSubmit={submit}
      aria-label="New Group recipe"
      data-testid="group-recipe-form"
    >
      <Field
        label="Group by"
        hint="Ctrl or ⌘ + click to pick several columns. None: one row for the whole dataset."
      >
        {({ id, describedBy }) => (
          <Select
            id={id}
            multiple
            data-testid="group-key-select"
            aria-describedby={describedBy}
            size={Math.min(Math.max(columns.length, 3), 6)}
            value={keys}
            onChange={(e) => setKeys(Array.from(e.target.selectedOptions, (o) => o.value))}
          >
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} · {c.type}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <div className="side-section">
        <h3 className="field-label" id="aggs-label">
          Aggregations
        </h3>
        {aggs.map((a, i) => (
          <fieldset
            key={a.uid}
            className="agg-block"
            aria-label={`Aggregation ${i + 1}`}
            style={{ margin: 0 }}
          >
            <div className="agg-row">
              <Select
                aria-label={`Column of aggregation ${i + 1}`}
                data-testid={`agg-column-${i}`}
                value={a.column}
                onChange={(e) => updateAgg(a.uid, { column: e.target.value })}
              >
                {columns.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </Select>
              <Select
                aria-label={`Function of aggregation ${i + 1}`}
                data-testid={`agg-fn-${i}`}
                value={a.fn}
                onChange={(e) => updateAgg(a.uid, { fn: e.target.value as GroupAggregationFn })}
              >
                {FUNCTIONS.map((f) => (
                  <option key={f.fn} value={f.fn}>
                    {f.label}
                  </option>
                ))}
              </Select>
              <button
                type="button"
                className="icon-btn"
                aria-label={`Remove aggregation ${i + 1}`}
                data-testid={`agg-remove-${i}`}
                onClick={() => setAggs((rows) => rows.filter((r) => r.uid !== a.uid))}
              >
                <CloseIcon />
              </button>
              <Input
                className="agg-as"
                aria-label={`Output column name of aggregation ${i + 1} (optional)`}
                data-testid={`agg-as-${i}`}
                placeholder={`${a.column}_${a.fn}`}
                value={a.as}
                onChange={(e) => updateAgg(a.uid, { as: e.target.value })}
              />
            </div>
          </fieldset>
        ))}
        <div>
          <Button
            size="sm"
            variant="ghost"
            className="btn-inline"
            icon={<PlusIcon />}
            data-testid="add-aggregation"
            onClick={() =>
              setAggs((rows) => [
                ...rows,
                { uid: nextUid.current++, column: columns[0]?.name ?? "", fn: "count", as: "" },
              ])
            }
          >
            Add aggregation
          </Button>
        </div>
      </div>

      <Checkbox
        label="Add a count of rows per group"
        data-testid="global-count"
        checked={globalCount}
        onChange={(e) => setGlobalCount(e.target.checked)}
      />

      <Field
        label="Output dataset"
        hint={nameTaken ? undefined : "A new dataset, built when you run the recipe."}
        error={nameTaken ? `A dataset or recipe named ${output.trim()} already exists.` : null}
      >
        {({ id, describedBy, invalid }) => (
          <Input
            id={id}
            data-testid="output-name"
            required
            maxLength={128}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            value={output}
            onChange={(e) => {
              setOutputName(e.target.value);
              setOutputEdited(true);
            }}
          />
        )}
      </Field>

      <FormError message={error} testId="recipe-error" />
      <div className="side-actions">
        <Button
          type="submit"
          variant="primary"
          loading={busy}
          data-testid="create-recipe"
          disabled={nameTaken}
        >
          Create recipe
        </Button>
        <Button variant="ghost" onClick={onCancel} data-testid="cancel-recipe" disabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
