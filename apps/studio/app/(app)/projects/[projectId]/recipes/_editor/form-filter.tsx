"use client";

import type { FilterOperator, FilterParams, FilterRule, FilterValue } from "@sous/contracts";
import type { ReactNode } from "react";
import { FormulaEditor } from "@/ui/code-editors.tsx";
import { AddButton, type Col, ColumnSelect, RemoveButton } from "@/ui/columns.tsx";
import { Checkbox, Field, Input, Select } from "@/ui/field.tsx";
import { isNumericType } from "@/ui/format.ts";
import { Section } from "./forms-basic.tsx";
import type { FormProps } from "./types.ts";

export type AnyRule = FilterRule | { kind: "formula"; formula: string };
type Arity = "none" | "one" | "two" | "list";
const OPS: { op: FilterOperator; label: string; arity: Arity; types?: "text" | "ordered" | "boolean" }[] = [
  { op: "equals", label: "equals", arity: "one" },
  { op: "notEquals", label: "is not", arity: "one" },
  { op: "lt", label: "<", arity: "one", types: "ordered" },
  { op: "lte", label: "≤", arity: "one", types: "ordered" },
  { op: "gt", label: ">", arity: "one", types: "ordered" },
  { op: "gte", label: "≥", arity: "one", types: "ordered" },
  { op: "between", label: "between", arity: "two", types: "ordered" },
  { op: "in", label: "is one of", arity: "list" },
  { op: "notIn", label: "is none of", arity: "list" },
  { op: "contains", label: "contains", arity: "one", types: "text" },
  { op: "startsWith", label: "starts with", arity: "one", types: "text" },
  { op: "endsWith", label: "ends with", arity: "one", types: "text" },
  { op: "matchesRegex", label: "matches regex", arity: "one", types: "text" },
  { op: "isEmpty", label: "is empty", arity: "none", types: "text" },
  { op: "isNotEmpty", label: "is not empty", arity: "none", types: "text" },
  { op: "isNull", label: "is NULL", arity: "none" },
  { op: "isNotNull", label: "is not NULL", arity: "none" },
  { op: "isTrue", label: "is true", arity: "none", types: "boolean" },
  { op: "isFalse", label: "is false", arity: "none", types: "boolean" },
];
const OP_INFO = new Map(OPS.map((o) => [o.op, o]));

function allowed(types: string | undefined, columnType: string | undefined): boolean {
  if (!types || !columnType) return true;
  if (types === "text") return columnType === "string";
  if (types === "boolean") return columnType === "boolean";
  return columnType !== "boolean";
}

/** Typed in a text box, sent as a number when the column is numeric and the text is one. */
function parseValue(text: string, columnType: string | undefined): FilterValue {
  if (columnType && isNumericType(columnType) && /^\s*-?\d+(\.\d+)?\s*$/.test(text)) return Number(text);
  return text;
}
const show = (v: FilterValue | undefined) => (v === undefined ? "" : String(v));

/** The rule with only the operands its operator uses. */
function withOp(rule: FilterRule, op: FilterOperator): FilterRule {
  const arity = OP_INFO.get(op)?.arity ?? "none";
  const base: FilterRule = { column: rule.column, op };
  if (arity === "one" || arity === "two") base.value = rule.value ?? rule.values?.[0] ?? "";
  if (arity === "two") base.max = rule.max ?? "";
  if (arity === "list") base.values = rule.values ?? (rule.value !== undefined ? [rule.value] : [""]);
  return base;
}

export function FilterForm({ params, set, inputs, step, readOnly }: FormProps<FilterParams>) {
  const cols = inputs[0]?.columns ?? [];
  const filter = params.filter;
  const rules: AnyRule[] = filter?.rules ?? [];
  const setRules = (next: AnyRule[], key?: string) => {
    const { filter: _f, ...rest } = params;
    set(next.length ? { ...rest, filter: { combine: filter?.combine ?? "and", rules: next } } : rest, key);
  };
  const sampling = params.sampling;

  return (
    <>
      <Section
        title="Filter"
        hint="Keep the rows that match. A rule on a NULL value is not true (as in SQL)."
      >
        <Checkbox
          label="Keep only rows matching rules"
          data-testid="filter-enabled"
          checked={rules.length > 0}
          disabled={readOnly}
          onChange={(e) => {
            const c = cols[0];
            setRules(
              e.target.checked && c
                ? [withOp({ column: c.name, op: "equals" }, c.type === "boolean" ? "isTrue" : "equals")]
                : [],
            );
          }}
        />
        {rules.length > 0 ? (
          <RuleList
            cols={cols}
            rules={rules}
            combine={filter?.combine ?? "and"}
            setRules={setRules}
            setCombine={(combine) => set({ ...params, filter: { combine, rules } })}
            step={step}
            stepPath="params.filter.rules"
            readOnly={readOnly}
          />
        ) : null}
      </Section>
      <Section title="Sample" hint="Applied after the filter.">
        <div className="inline-fields">
          <Field label="Rows">
            {({ id }) => (
              <Select
                id={id}
                data-testid="sampling-method"
                value={sampling.method}
                disabled={readOnly}
                onChange={(e) => {
                  const m = e.target.value;
                  set({
                    ...params,
                    sampling:
                      m === "firstN"
                        ? { method: "firstN", n: 1000 }
                        : m === "randomRatio"
                          ? { method: "randomRatio", ratio: 0.1, seed: 0 }
                          : { method: "all" },
                  });
                }}
              >
                <option value="all">All rows</option>
                <option value="firstN">First N rows</option>
                <option value="randomRatio">Random share of rows</option>
              </Select>
            )}
          </Field>
          {sampling.method === "firstN" ? (
            <Field label="N">
              {({ id }) => (
                <Input
                  id={id}
                  type="number"
                  min={0}
                  data-testid="sampling-n"
                  disabled={readOnly}
                  value={String(sampling.n)}
                  onChange={(e) =>
                    set(
                      {
                        ...params,
                        sampling: {
                          method: "firstN",
                          n: Math.max(0, Math.floor(Number(e.target.value) || 0)),
                        },
                      },
                      "sampling-n",
                    )
                  }
                />
              )}
            </Field>
          ) : null}
          {sampling.method === "randomRatio" ? (
            <>
              <Field label="Share (%)">
                {({ id }) => (
                  <Input
                    id={id}
                    type="number"
                    min={0.01}
                    max={100}
                    step="any"
                    data-testid="sampling-ratio"
                    disabled={readOnly}
                    value={String(Math.round(sampling.ratio * 10000) / 100)}
                    onChange={(e) => {
                      const pct = Math.min(100, Math.max(0.01, Number(e.target.value) || 0.01));
                      set({ ...params, sampling: { ...sampling, ratio: pct / 100 } }, "sampling-ratio");
                    }}
                  />
                )}
              </Field>
              <Field label="Seed">
                {({ id }) => (
                  <Input
                    id={id}
                    type="number"
                    min={0}
                    data-testid="sampling-seed"
                    disabled={readOnly}
                    value={String(sampling.seed)}
                    onChange={(e) =>
                      set(
                        {
                          ...params,
                          sampling: {
                            ...sampling,
                            seed: Math.max(0, Math.floor(Number(e.target.value) || 0)),
                          },
                        },
                        "sampling-seed",
                      )
                    }
                  />
                )}
              </Field>
            </>
          ) : null}
        </div>
        {step("params.sampling")}
      </Section>
    </>
  );
}

/**
 * A list of filter rules (column rules and formula rules) with how they combine: the Sample/Filter
 * recipe's filter, and each output of a Split by rules. Test ids start with `p`.
 */
export function RuleList({
  cols,
  rules,
  combine,
  setRules,
  setCombine,
  step,
  stepPath,
  readOnly,
  p = "",
}: {
  cols: Col[];
  rules: AnyRule[];
  combine: "and" | "or";
  setRules: (next: AnyRule[], key?: string) => void;
  setCombine: (c: "and" | "or") => void;
  step: (id: string) => ReactNode;
  /** The compiler's step id of the rules (`params.filter.rules`). */
  stepPath: string;
  readOnly: boolean;
  p?: string;
}) {
  const typeOf = new Map(cols.map((c) => [c.name, c.type]));
  const updateRule = (i: number, next: AnyRule, key?: string) =>
    setRules(
      rules.map((r, j) => (j === i ? next : r)),
      key,
    );
  return (
    <div className="rows">
      {rules.length > 1 ? (
        <div className="row-line">
          <span className="as-label">Keep rows matching</span>
          <Select
            aria-label="Combine rules with"
            data-testid={`${p}filter-combine`}
            value={combine}
            disabled={readOnly}
            onChange={(e) => setCombine(e.target.value as "and" | "or")}
          >
            <option value="and">all rules (AND)</option>
            <option value="or">any rule (OR)</option>
          </Select>
        </div>
      ) : null}
      {rules.map((r, i) => {
        if ("kind" in r)
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rules are positional (step ids are indexes)
            <div className="row-card" key={i} data-testid={`${p}rule-${i}`}>
              <div className="row-line rule-line">
                <span className="as-label">formula</span>
                <FormulaEditor
                  ariaLabel={`Formula of rule ${i + 1}`}
                  testId={`${p}rule-formula-${i}`}
                  placeholder='amount > 10 && region == "north"'
                  readOnly={readOnly}
                  value={r.formula}
                  columns={cols}
                  expect="boolean"
                  onChange={(formula) => updateRule(i, { kind: "formula", formula }, `${p}rule-formula-${i}`)}
                />
                <RemoveButton
                  label={`Remove rule ${i + 1}`}
                  testId={`${p}rule-remove-${i}`}
                  disabled={readOnly}
                  onClick={() => setRules(rules.filter((_, j) => j !== i))}
                />
              </div>
              <div className="row-line as-line">{step(`${stepPath}.${i}`)}</div>
            </div>
          );
        const type = typeOf.get(r.column);
        const arity = OP_INFO.get(r.op)?.arity ?? "none";
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules are positional (step ids are indexes)
          <div className="row-card" key={i} data-testid={`${p}rule-${i}`}>
            <div className="row-line rule-line">
              <ColumnSelect
                columns={cols}
                value={r.column}
                label={`Column of rule ${i + 1}`}
                testId={`${p}rule-column-${i}`}
                disabled={readOnly}
                onChange={(column) => {
                  const t = typeOf.get(column);
                  const op = allowed(OP_INFO.get(r.op)?.types, t)
                    ? r.op
                    : t === "boolean"
                      ? "isTrue"
                      : "equals";
                  updateRule(i, withOp({ ...r, column }, op));
                }}
              />
              <Select
                aria-label={`Operator of rule ${i + 1}`}
                data-testid={`${p}rule-op-${i}`}
                value={r.op}
                disabled={readOnly}
                onChange={(e) => updateRule(i, withOp(r, e.target.value as FilterOperator))}
              >
                {OPS.map((o) => (
                  <option key={o.op} value={o.op} disabled={!allowed(o.types, type)}>
                    {o.label}
                  </option>
                ))}
              </Select>
              <RemoveButton
                label={`Remove rule ${i + 1}`}
                testId={`${p}rule-remove-${i}`}
                disabled={readOnly}
                onClick={() => setRules(rules.filter((_, j) => j !== i))}
              />
            </div>
            {arity !== "none" ? (
              <div className="row-line as-line">
                {arity === "list" ? (
                  <Input
                    aria-label={`Values of rule ${i + 1}, comma separated`}
                    data-testid={`${p}rule-values-${i}`}
                    placeholder="a, b, c"
                    disabled={readOnly}
                    value={(r.values ?? []).map(show).join(", ")}
                    onChange={(e) => {
                      const parts = e.target.value.split(",").map((s) => s.trim());
                      updateRule(
                        i,
                        { ...r, values: parts.map((p) => parseValue(p, type)) },
                        `${p}rule-values-${i}`,
                      );
                    }}
                  />
                ) : (
                  <Input
                    aria-label={`Value of rule ${i + 1}`}
                    data-testid={`${p}rule-value-${i}`}
                    placeholder={type === "date" ? "YYYY-MM-DD" : "value"}
                    disabled={readOnly}
                    value={show(r.value)}
                    onChange={(e) =>
                      updateRule(i, { ...r, value: parseValue(e.target.value, type) }, `${p}rule-value-${i}`)
                    }
                  />
                )}
                {arity === "two" ? (
                  <>
                    <span className="as-label">and</span>
                    <Input
                      aria-label={`Upper bound of rule ${i + 1}`}
                      data-testid={`${p}rule-max-${i}`}
                      disabled={readOnly}
                      value={show(r.max)}
                      onChange={(e) =>
                        updateRule(i, { ...r, max: parseValue(e.target.value, type) }, `${p}rule-max-${i}`)
                      }
                    />
                  </>
                ) : null}
                {step(`${stepPath}.${i}`)}
              </div>
            ) : (
              <div className="row-line as-line">{step(`${stepPath}.${i}`)}</div>
            )}
          </div>
        );
      })}
      {readOnly ? null : (
        <AddButton
          testId={`${p}add-rule`}
          onClick={() => {
            const c = cols[0];
            if (c)
              setRules([
                ...rules,
                withOp({ column: c.name, op: "equals" }, c.type === "boolean" ? "isTrue" : "equals"),
              ]);
          }}
        >
          Add rule
        </AddButton>
      )}
      {readOnly ? null : (
        <AddButton
          testId={`${p}add-formula-rule`}
          onClick={() => setRules([...rules, { kind: "formula", formula: "" }])}
        >
          Add formula rule
        </AddButton>
      )}
    </div>
  );
}

/** A first rule on the first column (a boolean column is tested for true). */
export function defaultRule(cols: Col[]): AnyRule | null {
  const c = cols[0];
  return c ? withOp({ column: c.name, op: "equals" }, c.type === "boolean" ? "isTrue" : "equals") : null;
}
