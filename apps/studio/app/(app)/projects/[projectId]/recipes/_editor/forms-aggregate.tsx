"use client";

import type {
  GroupAggregationFn,
  GroupParams,
  PivotAggregation,
  PivotParams,
  WindowAggregation,
  WindowFnName,
  WindowParams,
} from "@sous/contracts";
import { useState } from "react";
import { FormulaEditor } from "@/ui/code-editors.tsx";
import { AddButton, ColumnMulti, ColumnSelect, SortKeysEditor } from "@/ui/columns.tsx";
import { Checkbox, Field, Input, Select } from "@/ui/field.tsx";
import { isNumericType } from "@/ui/format.ts";
import { AggregationRow, withAs } from "./aggregation-row.tsx";
import { Section } from "./forms-basic.tsx";
import type { FormProps } from "./types.ts";

const AGG_FNS: { fn: GroupAggregationFn; label: string; numeric?: boolean }[] = [
  { fn: "sum", label: "Sum", numeric: true },
  { fn: "avg", label: "Average", numeric: true },
  { fn: "min", label: "Min" },
  { fn: "max", label: "Max" },
  { fn: "count", label: "Count (non-null)" },
  { fn: "countDistinct", label: "Count distinct" },
  { fn: "stddev", label: "Std deviation", numeric: true },
  { fn: "variance", label: "Variance", numeric: true },
  { fn: "first", label: "First" },
  { fn: "last", label: "Last" },
  { fn: "concat", label: "Concatenate" },
];

function fnOptions(type: string | undefined, exclude: GroupAggregationFn[] = []) {
  return AGG_FNS.filter((f) => !exclude.includes(f.fn)).map((f) => (
    <option key={f.fn} value={f.fn} disabled={f.numeric && type !== undefined && !isNumericType(type)}>
      {f.label}
    </option>
  ));
}

// ----- Group -----

export function GroupForm({ params, set, inputs, step, readOnly }: FormProps<GroupParams>) {
  const cols = inputs[0]?.columns ?? [];
  const typeOf = new Map(cols.map((c) => [c.name, c.type]));
  const update = (i: number, patch: Partial<GroupParams["aggregations"][number]>, key?: string) =>
    set(
      { ...params, aggregations: params.aggregations.map((a, j) => (j === i ? { ...a, ...patch } : a)) },
      key,
    );
  return (
    <>
      <Section title="Group by" hint="One output row per combination of these columns. None: one row in all.">
        <ColumnMulti
          columns={cols}
          value={params.keys}
          onChange={(keys) => set({ ...params, keys })}
          testId="group-keys"
          label="Group keys"
          empty="No key: one row for the whole dataset"
          disabled={readOnly}
        />
      </Section>
      <Section title="Aggregations">
        <div className="rows">
          {params.aggregations.map((a, i) => (
            <AggregationRow
              // biome-ignore lint/suspicious/noArrayIndexKey: aggregations are positional (their step id is their index)
              key={i}
              testId={`agg-${i}`}
              readOnly={readOnly}
              remove={{
                label: `Remove aggregation ${i + 1}`,
                testId: `agg-remove-${i}`,
                onRemove: () =>
                  set({ ...params, aggregations: params.aggregations.filter((_, j) => j !== i) }),
              }}
              output={{
                label: `Output name of aggregation ${i + 1} (optional)`,
                testId: `agg-as-${i}`,
                placeholder: `${a.column}_${a.fn}`,
                value: a.as ?? "",
                onChange: (as) =>
                  set(
                    {
                      ...params,
                      aggregations: params.aggregations.map((x, j) => (j === i ? withAs(a, as) : x)),
                    },
                    `agg-as-${i}`,
                  ),
              }}
              step={step(`params.aggregations.${i}`)}
            >
              <ColumnSelect
                columns={cols}
                value={a.column}
                label={`Column of aggregation ${i + 1}`}
                testId={`agg-column-${i}`}
                onChange={(column) => update(i, { column })}
                disabled={readOnly}
              />
              <Select
                aria-label={`Function of aggregation ${i + 1}`}
                data-testid={`agg-fn-${i}`}
                value={a.fn}
                disabled={readOnly}
                onChange={(e) => update(i, { fn: e.target.value as GroupAggregationFn })}
              >
                {fnOptions(typeOf.get(a.column))}
              </Select>
            </AggregationRow>
          ))}
          {readOnly ? null : (
            <AddButton
              testId="add-aggregation"
              onClick={() => {
                const c = cols.find((x) => isNumericType(x.type)) ?? cols[0];
                if (c)
                  set({
                    ...params,
                    aggregations: [
                      ...params.aggregations,
                      { column: c.name, fn: isNumericType(c.type) ? "sum" : "count" },
                    ],
                  });
              }}
            >
              Add aggregation
            </AddButton>
          )}
        </div>
      </Section>
      <Section
        title="Custom aggregations"
        hint="Formulas over each group, e.g. sum(qty * price) / count(). Other columns must be keys."
      >
        <div className="rows">
          {(params.customAggregations ?? []).map((c, i) => {
            const list = params.customAggregations ?? [];
            const put = (next: typeof c, key?: string) =>
              set({ ...params, customAggregations: list.map((x, j) => (j === i ? next : x)) }, key);
            return (
              <AggregationRow
                // biome-ignore lint/suspicious/noArrayIndexKey: positional (their step id is their index)
                key={i}
                testId={`custom-agg-${i}`}
                readOnly={readOnly}
                lineClassName="row-line"
                remove={{
                  label: `Remove custom aggregation ${i + 1}`,
                  testId: `custom-agg-remove-${i}`,
                  onRemove: () => {
                    const rest = list.filter((_, j) => j !== i);
                    const { customAggregations: _c, ...p } = params;
                    set(rest.length ? { ...params, customAggregations: rest } : p);
                  },
                }}
                output={{
                  label: `Output name of custom aggregation ${i + 1}`,
                  testId: `custom-agg-as-${i}`,
                  value: c.as,
                  onChange: (as) => put({ ...c, as }, `custom-agg-as-${i}`),
                }}
                step={step(`params.customAggregations.${i}`)}
              >
                <FormulaEditor
                  ariaLabel={`Formula of custom aggregation ${i + 1}`}
                  testId={`custom-agg-formula-${i}`}
                  placeholder="sum(amount) / count()"
                  value={c.formula}
                  columns={cols}
                  groupKeys={params.keys}
                  readOnly={readOnly}
                  onChange={(formula) => put({ ...c, formula }, `custom-agg-formula-${i}`)}
                />
              </AggregationRow>
            );
          })}
          {readOnly ? null : (
            <AddButton
              testId="add-custom-aggregation"
              onClick={() =>
                set({
                  ...params,
                  customAggregations: [
                    ...(params.customAggregations ?? []),
                    { formula: "", as: `custom_${(params.customAggregations?.length ?? 0) + 1}` },
                  ],
                })
              }
            >
              Add custom aggregation
            </AddButton>
          )}
        </div>
      </Section>
      <Section title="Count">
        <Checkbox
          label="Add a count column: rows per group"
          data-testid="global-count"
          checked={params.globalCount}
          disabled={readOnly}
          onChange={(e) => set({ ...params, globalCount: e.target.checked })}
        />
      </Section>
    </>
  );
}

// ----- Window -----

const WINDOW_FNS: { fn: WindowFnName; label: string; needsColumn: boolean; framed: boolean }[] = [
  { fn: "rowNumber", label: "Row number", needsColumn: false, framed: false },
  { fn: "rank", label: "Rank", needsColumn: false, framed: false },
  { fn: "denseRank", label: "Dense rank", needsColumn: false, framed: false },
  { fn: "lag", label: "Lag (previous row)", needsColumn: true, framed: false },
  { fn: "lead", label: "Lead (next row)", needsColumn: true, framed: false },
  { fn: "cumulativeSum", label: "Cumulative sum", needsColumn: true, framed: false },
  { fn: "sum", label: "Sum", needsColumn: true, framed: true },
  { fn: "avg", label: "Average", needsColumn: true, framed: true },
  { fn: "min", label: "Min", needsColumn: true, framed: true },
  { fn: "max", label: "Max", needsColumn: true, framed: true },
  { fn: "count", label: "Count", needsColumn: true, framed: true },
  { fn: "firstValue", label: "First value", needsColumn: true, framed: true },
  { fn: "lastValue", label: "Last value", needsColumn: true, framed: true },
];
const FN_INFO = new Map(WINDOW_FNS.map((f) => [f.fn, f]));

type FrameChoice = "default" | "whole" | "running" | "moving";
function frameChoice(a: WindowAggregation): FrameChoice {
  const f = a.frame;
  if (!f) return "default";
  if (f.start === "unbounded" && f.end === "unbounded") return "whole";
  if (f.start === "unbounded" && f.end === 0) return "running";
  return "moving";
}

export function WindowForm({ params, set, inputs, step, readOnly }: FormProps<WindowParams>) {
  const cols = inputs[0]?.columns ?? [];
  const replace = (i: number, next: WindowAggregation, key?: string) =>
    set({ ...params, aggregations: params.aggregations.map((a, j) => (j === i ? next : a)) }, key);
  return (
    <>
      <Section
        title="Partition by"
        hint="Windows restart for each combination. None: one window over all rows."
      >
        <ColumnMulti
          columns={cols}
          value={params.partitionBy}
          onChange={(partitionBy) => set({ ...params, partitionBy })}
          testId="window-partition"
          label="Partition columns"
          empty="No partition"
          disabled={readOnly}
        />
      </Section>
      <Section title="Order by" hint="Ranks, lags and running totals follow this order.">
        <SortKeysEditor
          columns={cols}
          value={params.orderBy}
          onChange={(orderBy) => set({ ...params, orderBy })}
          testId="window-order"
          label="Order key"
          addLabel="Add order column"
          disabled={readOnly}
        />
      </Section>
      <Section title="Computed columns">
        <div className="rows">
          {params.aggregations.map((a, i) => {
            const info = FN_INFO.get(a.fn);
            const choice = frameChoice(a);
            return (
              <AggregationRow
                // biome-ignore lint/suspicious/noArrayIndexKey: positional (step ids are indexes)
                key={i}
                testId={`win-${i}`}
                readOnly={readOnly}
                remove={{
                  label: `Remove function ${i + 1}`,
                  testId: `win-remove-${i}`,
                  onRemove: () =>
                    set({ ...params, aggregations: params.aggregations.filter((_, j) => j !== i) }),
                }}
                output={{
                  label: `Output name of function ${i + 1} (optional)`,
                  testId: `win-as-${i}`,
                  placeholder: a.column ? `${a.column}_${a.fn}` : a.fn,
                  value: a.as ?? "",
                  onChange: (as) => replace(i, withAs(a, as), `win-as-${i}`),
                }}
                step={step(`params.aggregations.${i}`)}
                extra={
                  <>
                    {a.fn === "lag" || a.fn === "lead" ? (
                      <div className="row-line as-line">
                        <span className="as-label">rows</span>
                        <Input
                          type="number"
                          min={1}
                          aria-label={`Offset of function ${i + 1}`}
                          data-testid={`win-offset-${i}`}
                          value={String(a.offset ?? 1)}
                          disabled={readOnly}
                          onChange={(e) =>
                            replace(
                              i,
                              { ...a, offset: Math.max(1, Math.floor(Number(e.target.value) || 1)) },
                              `win-offset-${i}`,
                            )
                          }
                        />
                      </div>
                    ) : null}
                    {info?.framed ? (
                      <div className="row-line as-line">
                        <span className="as-label">over</span>
                        <Select
                          aria-label={`Frame of function ${i + 1}`}
                          data-testid={`win-frame-${i}`}
                          value={choice}
                          disabled={readOnly}
                          onChange={(e) => {
                            const c = e.target.value as FrameChoice;
                            const { frame: _f, ...rest } = a;
                            const frame =
                              c === "whole"
                                ? {
                                    unit: "rows" as const,
                                    start: "unbounded" as const,
                                    end: "unbounded" as const,
                                  }
                                : c === "running"
                                  ? { unit: "rows" as const, start: "unbounded" as const, end: 0 }
                                  : c === "moving"
                                    ? { unit: "rows" as const, start: -2, end: 0 }
                                    : undefined;
                            replace(i, frame ? { ...rest, frame } : rest);
                          }}
                        >
                          <option value="default">SQL default frame</option>
                          <option value="whole">The whole partition</option>
                          <option value="running">All rows up to this one</option>
                          <option value="moving">A moving window of rows</option>
                        </Select>
                        {choice === "moving" && a.frame ? (
                          <>
                            <Input
                              type="number"
                              max={0}
                              aria-label={`Rows before, function ${i + 1}`}
                              data-testid={`win-frame-start-${i}`}
                              className="num-input"
                              value={String(a.frame.start === "unbounded" ? 0 : -a.frame.start)}
                              disabled={readOnly}
                              onChange={(e) =>
                                a.frame &&
                                replace(
                                  i,
                                  {
                                    ...a,
                                    frame: {
                                      ...a.frame,
                                      start: -Math.abs(Math.floor(Number(e.target.value) || 0)),
                                    },
                                  },
                                  `frame-${i}`,
                                )
                              }
                            />
                            <span className="as-label">before</span>
                          </>
                        ) : null}
                      </div>
                    ) : null}
                  </>
                }
              >
                <Select
                  aria-label={`Function ${i + 1}`}
                  data-testid={`win-fn-${i}`}
                  value={a.fn}
                  disabled={readOnly}
                  onChange={(e) => {
                    const fn = e.target.value as WindowFnName;
                    const f = FN_INFO.get(fn);
                    const { column, offset, default: dflt, frame, as, ...rest } = a;
                    replace(i, {
                      ...rest,
                      fn,
                      ...(f?.needsColumn ? { column: column ?? cols[0]?.name ?? "" } : {}),
                      ...((fn === "lag" || fn === "lead") && offset ? { offset } : {}),
                      ...((fn === "lag" || fn === "lead") && dflt !== undefined ? { default: dflt } : {}),
                      ...(f?.framed && frame ? { frame } : {}),
                      ...(as ? { as } : {}),
                    });
                  }}
                >
                  {WINDOW_FNS.map((f) => (
                    <option key={f.fn} value={f.fn}>
                      {f.label}
                    </option>
                  ))}
                </Select>
                {info?.needsColumn ? (
                  <ColumnSelect
                    columns={cols}
                    value={a.column}
                    label={`Column of function ${i + 1}`}
                    testId={`win-column-${i}`}
                    disabled={readOnly}
                    onChange={(column) => replace(i, { ...a, column })}
                  />
                ) : (
                  <span className="muted small">no column</span>
                )}
              </AggregationRow>
            );
          })}
          {readOnly ? null : (
            <AddButton
              testId="add-window-fn"
              onClick={() => {
                const c = cols.find((x) => isNumericType(x.type)) ?? cols[0];
                set({
                  ...params,
                  aggregations: [
                    ...params.aggregations,
                    c ? { fn: "cumulativeSum", column: c.name } : { fn: "rowNumber" },
                  ],
                });
              }}
            >
              Add computed column
            </AddButton>
          )}
        </div>
      </Section>
    </>
  );
}

// ----- Pivot -----

function valueLabel(v: string | number | boolean | null): string {
  return v === null ? "NULL" : String(v);
}

export function PivotForm({ params, set, inputs, step, readOnly, distinctValues }: FormProps<PivotParams>) {
  const cols = inputs[0]?.columns ?? [];
  const typeOf = new Map(cols.map((c) => [c.name, c.type]));
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draftValue, setDraftValue] = useState("");

  async function load(column: string, base: PivotParams) {
    setLoading(true);
    setLoadError(null);
    try {
      const values = await distinctValues(column);
      if (values.length === 0) setLoadError("The sample has no values in this column.");
      else set({ ...base, pivotColumn: column, values: values.slice(0, 1000) });
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }
  const values = params.values ?? [];
  const pivotType = typeOf.get(params.pivotColumn);
  const toValue = (text: string): string | number =>
    pivotType && isNumericType(pivotType) && /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
  const updateAgg = (i: number, next: PivotAggregation, key?: string) =>
    set({ ...params, aggregations: params.aggregations.map((a, j) => (j === i ? next : a)) }, key);

  return (
    <>
      <Section title="Rows" hint="One output row per combination of these columns. None: a single row.">
        <ColumnMulti
          columns={cols.filter((c) => c.name !== params.pivotColumn)}
          value={params.keys}
          onChange={(keys) => set({ ...params, keys })}
          testId="pivot-keys"
          label="Row identifiers"
          empty="No row key: one row"
          disabled={readOnly}
        />
      </Section>
      <Section title="Columns from" hint="Each value of this column becomes a group of output columns.">
        <ColumnSelect
          columns={cols}
          value={params.pivotColumn}
          label="Pivot column"
          testId="pivot-column"
          disabled={readOnly}
          onChange={(pivotColumn) => {
            const { values: _v, ...rest } = params;
            const next = { ...rest, pivotColumn, keys: params.keys.filter((k) => k !== pivotColumn) };
            set(next);
            void load(pivotColumn, next);
          }}
        />
        <div className="pivot-values" data-testid="pivot-values">
          <div className="chips">
            {values.length === 0 ? (
              <span className="chips-empty">
                No values listed: a run needs them, so the output columns stay the same from one run to the
                next.
              </span>
            ) : null}
            {values.map((v, i) => (
              <span
                key={`${typeof v}:${valueLabel(v)}`}
                className="chip"
                data-testid={`pivot-value-${valueLabel(v)}`}
              >
                <span className="chip-name">{valueLabel(v)}</span>
                {readOnly ? null : (
                  <button
                    type="button"
                    className="chip-remove"
                    aria-label={`Remove value ${valueLabel(v)}`}
                    onClick={() => {
                      const rest = values.filter((_, j) => j !== i);
                      const { values: _v, ...p } = params;
                      set(rest.length ? { ...p, values: rest } : p);
                    }}
                  >
                    ×
                  </button>
                )}
              </span>
            ))}
          </div>
          {readOnly ? null : (
            <div className="row-line">
              <Input
                aria-label="Add a pivot value"
                data-testid="pivot-value-input"
                placeholder="Add a value…"
                value={draftValue}
                onChange={(e) => setDraftValue(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key !== "Enter" || !draftValue.trim()) return;
                  e.preventDefault();
                  set({ ...params, values: [...values, toValue(draftValue)] });
                  setDraftValue("");
                }}
              />
              <button
                type="button"
                className="add-btn"
                data-testid="pivot-load-values"
                disabled={loading}
                onClick={() => void load(params.pivotColumn, params)}
              >
                {loading ? "Loading…" : "Load values from the sample"}
              </button>
            </div>
          )}
          {loadError ? (
            <div className="field-error" role="alert">
              {loadError}
            </div>
          ) : null}
        </div>
      </Section>
      <Section title="Cells hold">
        <div className="rows">
          {params.aggregations.map((a, i) => (
            <AggregationRow
              // biome-ignore lint/suspicious/noArrayIndexKey: positional
              key={i}
              readOnly={readOnly}
              remove={{
                label: `Remove cell aggregate ${i + 1}`,
                testId: `pivot-agg-remove-${i}`,
                disabled: params.aggregations.length === 1,
                onRemove: () =>
                  set({ ...params, aggregations: params.aggregations.filter((_, j) => j !== i) }),
              }}
              output={{
                label: `Suffix of cell aggregate ${i + 1} (optional)`,
                testId: `pivot-agg-as-${i}`,
                placeholder: a.column ? `${a.column}_${a.fn}` : "count",
                value: a.as ?? "",
                onChange: (as) => updateAgg(i, withAs(a, as), `pivot-as-${i}`),
              }}
              step={step(`params.aggregations.${i}`)}
            >
              <ColumnSelect
                columns={cols}
                value={a.column}
                label={`Column of cell aggregate ${i + 1}`}
                testId={`pivot-agg-column-${i}`}
                placeholder={a.fn === "count" ? "(rows)" : undefined}
                disabled={readOnly}
                onChange={(column) => {
                  const { column: _c, ...rest } = a;
                  updateAgg(i, column ? { ...rest, column } : rest);
                }}
              />
              <Select
                aria-label={`Function of cell aggregate ${i + 1}`}
                data-testid={`pivot-agg-fn-${i}`}
                value={a.fn}
                disabled={readOnly}
                onChange={(e) => updateAgg(i, { ...a, fn: e.target.value as GroupAggregationFn })}
              >
                {fnOptions(a.column ? typeOf.get(a.column) : undefined, ["first", "last"])}
              </Select>
            </AggregationRow>
          ))}
          {readOnly ? null : (
            <AddButton
              testId="add-pivot-agg"
              onClick={() => {
                const c = cols.find((x) => isNumericType(x.type) && x.name !== params.pivotColumn);
                set({
                  ...params,
                  aggregations: [...params.aggregations, c ? { column: c.name, fn: "sum" } : { fn: "count" }],
                });
              }}
            >
              Add cell aggregate
            </AddButton>
          )}
        </div>
        <Field label="Output columns">
          {() => (
            <p className="muted small">
              {values.length ? values.map(valueLabel).slice(0, 3).join(", ") : "<value>"}
              {values.length > 3 ? "…" : ""} × {params.aggregations.length}{" "}
              {params.aggregations.length === 1 ? "aggregate" : "aggregates"}, named{" "}
              <code>&lt;value&gt;_&lt;suffix&gt;</code>
            </p>
          )}
        </Field>
      </Section>
    </>
  );
}
