"use client";

import type {
  JoinColumnChoice,
  JoinComputedColumn,
  JoinCondition,
  JoinOperator,
  JoinParams,
  JoinType,
  JoinWindowDirection,
} from "@sous/contracts";
import { useState } from "react";
import { FormulaEditor } from "@/ui/code-editors.tsx";
import { AddButton, type Col, ColumnSelect, RemoveButton, TypeTag } from "@/ui/columns.tsx";
import { Checkbox, Input, Select } from "@/ui/field.tsx";
import { suggestJoinKeys } from "./defaults.ts";
import { type AnyRule, defaultRule, RuleList } from "./form-filter.tsx";
import { Section } from "./forms-basic.tsx";
import {
  compatible,
  JOIN_OPERATORS,
  type JoinSide,
  joinColumns,
  type OutputColumn,
  operatorFits,
  withComputed,
} from "./join-columns.ts";
import type { FormProps } from "./types.ts";

const TYPES: { type: JoinType; label: string; help: string; left: boolean; mid: boolean; right: boolean }[] =
  [
    {
      type: "left",
      label: "Left",
      help: "Every row of the left input, matched where possible",
      left: true,
      mid: true,
      right: false,
    },
    {
      type: "inner",
      label: "Inner",
      help: "Only rows matched on both sides",
      left: false,
      mid: true,
      right: false,
    },
    { type: "full", label: "Outer", help: "Every row of both inputs", left: true, mid: true, right: true },
    {
      type: "right",
      label: "Right",
      help: "Every row of the right input, matched where possible",
      left: false,
      mid: true,
      right: true,
    },
    {
      type: "leftAnti",
      label: "Left anti",
      help: "Left rows with no match on the right",
      left: true,
      mid: false,
      right: false,
    },
    {
      type: "cross",
      label: "Cross",
      help: "Every left row with every right row (no keys)",
      left: true,
      mid: true,
      right: true,
    },
  ];

/** Two circles, the parts a join keeps filled in. */
function Venn({ left, mid, right, cross }: { left: boolean; mid: boolean; right: boolean; cross?: boolean }) {
  const on = "var(--accent)";
  const off = "transparent";
  return (
    <svg width="40" height="24" viewBox="0 0 40 24" aria-hidden="true">
      <defs>
        <clipPath id="venn-l">
          <circle cx="15" cy="12" r="9" />
        </clipPath>
      </defs>
      <circle cx="15" cy="12" r="9" fill={left ? on : off} opacity={0.35} />
      <circle cx="25" cy="12" r="9" fill={right ? on : off} opacity={0.35} />
      <circle
        cx="25"
        cy="12"
        r="9"
        clipPath="url(#venn-l)"
        fill={mid ? on : "#fff"}
        opacity={mid ? 0.75 : 1}
      />
      <circle cx="15" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <circle cx="25" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.3" />
      {cross ? <path d="M17 8l6 8M23 8l-6 8" stroke="currentColor" strokeWidth="1.3" /> : null}
    </svg>
  );
}

const DIRECTIONS: { value: JoinWindowDirection; label: string }[] = [
  { value: "either", label: "before or after" },
  { value: "after", label: "after" },
  { value: "before", label: "before" },
];

/** The condition with only the fields its operator uses. */
function withOp(c: JoinCondition, op: JoinOperator): JoinCondition {
  const base: JoinCondition = { left: c.left, right: c.right };
  if (op !== "equals") base.op = op;
  if (op === "withinDays") {
    base.days = c.days ?? 30;
    base.direction = c.direction ?? "after";
  }
  return base;
}

export function JoinForm({ params, set, inputs, step, readOnly }: FormProps<JoinParams>) {
  const left = inputs[0];
  const right = inputs[1];
  // Columns computed before the join can be matched and output like the inputs' own.
  const leftCols = withComputed(left?.columns ?? [], params.leftComputed ?? []);
  const rightCols = withComputed(right?.columns ?? [], params.rightComputed ?? []);
  const leftType = new Map(leftCols.map((c) => [c.name, c.type]));
  const rightType = new Map(rightCols.map((c) => [c.name, c.type]));
  // Click a column on the left, then one on the right: they become a condition.
  const [picked, setPicked] = useState<string | null>(null);
  const isCross = params.type === "cross";
  const setOn = (on: JoinParams["on"], key?: string) => set({ ...params, on }, key);
  const setCondition = (i: number, next: JoinCondition, key?: string) =>
    setOn(
      params.on.map((x, j) => (j === i ? next : x)),
      key,
    );
  const all = joinColumns(params, leftCols, rightCols);
  const outCols: Col[] = all.filter((o) => o.kept).map((o) => ({ name: o.name, type: o.type }));
  const afterCols = withComputed(outCols, params.computed ?? []);
  const sides: JoinSide[] = [
    { key: "left", name: left?.name ?? "left", columns: leftCols },
    { key: "right", name: right?.name ?? "right", columns: rightCols },
  ];
  const postRules: AnyRule[] = params.postFilter?.rules ?? [];
  const setPostRules = (next: AnyRule[], key?: string) => {
    const { postFilter: _p, ...rest } = params;
    set(
      next.length
        ? { ...rest, postFilter: { combine: params.postFilter?.combine ?? "and", rules: next } }
        : rest,
      key,
    );
  };

  return (
    <>
      <Section title="Join type">
        <fieldset className="join-types">
          <legend className="sr-only">Join type</legend>
          {TYPES.map((t) => (
            <button
              key={t.type}
              type="button"
              aria-pressed={params.type === t.type}
              className="join-type"
              title={t.help}
              data-testid={`join-type-${t.type}`}
              disabled={readOnly}
              onClick={() => set({ ...params, type: t.type, ...(t.type === "cross" ? { on: [] } : {}) })}
            >
              <Venn left={t.left} mid={t.mid} right={t.right} cross={t.type === "cross"} />
              <span>{t.label}</span>
            </button>
          ))}
        </fieldset>
        <p className="section-hint" data-testid="join-type-help">
          {TYPES.find((t) => t.type === params.type)?.help}. A NULL on either side never matches.
        </p>
      </Section>
      <Section
        title="Computed columns before the join"
        hint="Formulas over one input, e.g. lower(trim(email)) to match keys that differ in case; usable in conditions."
      >
        {sides.map((s) => (
          <ComputedList
            key={s.key}
            title={s.name}
            p={`join-pre-${s.key}`}
            base={(s.key === "left" ? left : right)?.columns ?? []}
            list={(s.key === "left" ? params.leftComputed : params.rightComputed) ?? []}
            step={step}
            stepPath={`params.${s.key}Computed`}
            readOnly={readOnly}
            onChange={(list, key) => {
              const field = s.key === "left" ? "leftComputed" : "rightComputed";
              const { [field]: _x, ...rest } = params;
              set(list.length ? { ...rest, [field]: list } : rest, key);
            }}
          />
        ))}
      </Section>
      {isCross ? null : (
        <Section
          title="Match rows where"
          hint="All conditions must hold. Click a column on each side to pair them with =, then pick another operator if needed."
        >
          <div className="join-pairs" data-testid="join-conditions">
            <div className="join-pair-head">
              <span className="join-pair-name" title={left?.name}>
                {left?.name ?? "left"}
              </span>
              <span />
              <span className="join-pair-name" title={right?.name}>
                {right?.name ?? "right"}
              </span>
              <span />
            </div>
            {params.on.map((p, i) => {
              const op = p.op ?? "equals";
              const lt = leftType.get(p.left);
              const rt = rightType.get(p.right);
              const ok = operatorFits(op, lt, rt);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: conditions are positional
                <div className="join-pair" key={i} data-testid={`join-pair-${i}`}>
                  <ColumnSelect
                    columns={leftCols}
                    value={p.left}
                    label={`Left column of condition ${i + 1}`}
                    testId={`join-left-${i}`}
                    disabled={readOnly}
                    onChange={(v) => setCondition(i, { ...p, left: v })}
                  />
                  <Select
                    aria-label={`Operator of condition ${i + 1}`}
                    data-testid={`join-op-${i}`}
                    className={ok ? "join-op" : "join-op join-op-bad"}
                    value={op}
                    disabled={readOnly}
                    onChange={(e) => setCondition(i, withOp(p, e.target.value as JoinOperator))}
                  >
                    {JOIN_OPERATORS.map((o) => (
                      <option key={o.op} value={o.op} disabled={!operatorFits(o.op, lt, rt)} title={o.help}>
                        {o.label}
                      </option>
                    ))}
                  </Select>
                  <ColumnSelect
                    columns={rightCols}
                    value={p.right}
                    label={`Right column of condition ${i + 1}`}
                    testId={`join-right-${i}`}
                    disabled={readOnly}
                    onChange={(v) => setCondition(i, { ...p, right: v })}
                  />
                  <RemoveButton
                    label={`Remove condition ${i + 1}`}
                    testId={`join-remove-${i}`}
                    disabled={readOnly}
                    onClick={() => setOn(params.on.filter((_, j) => j !== i))}
                  />
                  {op === "withinDays" ? (
                    <div className="join-window">
                      <span className="join-window-text">{p.left} is within</span>
                      <Input
                        type="number"
                        min={0}
                        aria-label={`Days of condition ${i + 1}`}
                        data-testid={`join-days-${i}`}
                        value={String(p.days ?? 0)}
                        disabled={readOnly}
                        onChange={(e) =>
                          setCondition(
                            i,
                            { ...p, days: Math.max(0, Math.floor(Number(e.target.value) || 0)) },
                            `join-days-${i}`,
                          )
                        }
                      />
                      <span>days</span>
                      <Select
                        aria-label={`Direction of condition ${i + 1}`}
                        data-testid={`join-direction-${i}`}
                        value={p.direction ?? "either"}
                        disabled={readOnly}
                        onChange={(e) =>
                          setCondition(i, { ...p, direction: e.target.value as JoinWindowDirection })
                        }
                      >
                        {DIRECTIONS.map((d) => (
                          <option key={d.value} value={d.value}>
                            {d.label}
                          </option>
                        ))}
                      </Select>
                      <span className="join-window-text">{p.right}</span>
                    </div>
                  ) : null}
                  {ok ? null : (
                    <div className="join-warn field-error">
                      {lt} and {rt} cannot be compared with “{JOIN_OPERATORS.find((o) => o.op === op)?.label}
                      ”: pick other columns or another operator.
                    </div>
                  )}
                  {op !== "equals" ? <div className="join-warn">{step(`params.on.${i}`)}</div> : null}
                </div>
              );
            })}
            {params.on.length === 0 ? (
              <p className="chips-empty">No condition yet: pick one, or choose a cross join.</p>
            ) : null}
          </div>
          {readOnly ? null : (
            <div className="row-line">
              <AddButton
                testId="add-join-key"
                onClick={() => {
                  const [guess] = suggestJoinKeys(leftCols, rightCols);
                  setOn([
                    ...params.on,
                    guess ?? { left: leftCols[0]?.name ?? "", right: rightCols[0]?.name ?? "" },
                  ]);
                }}
              >
                Add condition
              </AddButton>
              <AddButton
                testId="join-suggest"
                onClick={() => {
                  const shared = leftCols
                    .filter((c) => rightType.has(c.name) && compatible(c.type, rightType.get(c.name)))
                    .map((c) => ({ left: c.name, right: c.name }));
                  setOn(shared);
                }}
              >
                Match shared names
              </AddButton>
            </div>
          )}
          {readOnly ? null : (
            <div className="join-columns">
              <ul className="join-col-list" data-testid="join-left-columns">
                {leftCols.map((c) => (
                  <li key={c.name}>
                    <button
                      type="button"
                      aria-pressed={picked === c.name}
                      data-testid={`join-pick-left-${c.name}`}
                      data-paired={params.on.some((p) => p.left === c.name)}
                      onClick={() => setPicked(picked === c.name ? null : c.name)}
                    >
                      <TypeTag type={c.type} /> {c.name}
                    </button>
                  </li>
                ))}
              </ul>
              <ul className="join-col-list" data-testid="join-right-columns">
                {rightCols.map((c) => (
                  <li key={c.name}>
                    <button
                      type="button"
                      disabled={picked === null}
                      data-testid={`join-pick-right-${c.name}`}
                      data-paired={params.on.some((p) => p.right === c.name)}
                      title={picked ? `Match ${picked} = ${c.name}` : "Pick a left column first"}
                      onClick={() => {
                        if (!picked) return;
                        setOn([...params.on, { left: picked, right: c.name }]);
                        setPicked(null);
                      }}
                    >
                      <TypeTag type={c.type} /> {c.name}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Section>
      )}
      <Section
        title="Output columns"
        hint="Untick to drop a column, type a name to rename it (used as is), or prefix every column of an input."
      >
        <Checkbox
          label={`Drop ${right?.name ?? "the right input"}'s columns matched with = (keys appear once)`}
          data-testid="join-drop-right-keys"
          checked={params.dropRightKeys}
          disabled={readOnly}
          onChange={(e) => set({ ...params, dropRightKeys: e.target.checked })}
        />
        {sides.map((s) =>
          s.key === "right" && params.type === "leftAnti" ? null : (
            <OutputTable key={s.key} side={s} params={params} all={all} readOnly={readOnly} set={set} />
          ),
        )}
        {step("join")}
      </Section>
      <Section
        title="Computed columns after the join"
        hint="Formulas over the output columns (by their output names), added at the end."
      >
        <ComputedList
          title={null}
          p="join-post"
          base={outCols}
          list={params.computed ?? []}
          step={step}
          stepPath="params.computed"
          readOnly={readOnly}
          onChange={(list, key) => {
            const { computed: _c, ...rest } = params;
            set(list.length ? { ...rest, computed: list } : rest, key);
          }}
        />
      </Section>
      <Section
        title="Filter after the join"
        hint="Keep the joined rows that match (over the output columns)."
      >
        <Checkbox
          label="Keep only joined rows matching rules"
          data-testid="join-post-filter-enabled"
          checked={postRules.length > 0}
          disabled={readOnly}
          onChange={(e) => {
            const first = defaultRule(afterCols);
            setPostRules(e.target.checked && first ? [first] : []);
          }}
        />
        {postRules.length > 0 ? (
          <RuleList
            cols={afterCols}
            rules={postRules}
            combine={params.postFilter?.combine ?? "and"}
            setRules={setPostRules}
            setCombine={(combine) => set({ ...params, postFilter: { combine, rules: postRules } })}
            step={step}
            stepPath="params.postFilter.rules"
            readOnly={readOnly}
            p="post-"
          />
        ) : null}
      </Section>
    </>
  );
}

/** One input's columns in the output: keep, rename, and the input's prefix. */
function OutputTable({
  side,
  params,
  all,
  readOnly,
  set,
}: {
  side: JoinSide;
  params: JoinParams;
  all: OutputColumn[];
  readOnly: boolean;
  set: FormProps<JoinParams>["set"];
}) {
  const field = side.key === "left" ? "leftColumns" : "rightColumns";
  const prefixField = side.key === "left" ? "leftPrefix" : "rightPrefix";
  const choices = params[field] ?? [];
  const kept = all.filter((o) => o.kept);
  const clashes = new Set(
    kept.map((o) => o.name.toLowerCase()).filter((n, i, names) => names.indexOf(n) !== i),
  );
  // Stores only what differs from the default, so unchanged columns follow the input.
  const setChoice = (o: OutputColumn, keep: boolean, as: string, key?: string) => {
    const rest = choices.filter((c) => c.column !== o.column);
    const choice: JoinColumnChoice | null =
      keep === o.defaultKept && !as ? null : { column: o.column, keep, ...(as ? { as } : {}) };
    const list = choice ? [...rest, choice] : rest;
    const { [field]: _f, ...others } = params;
    set(list.length ? { ...others, [field]: list } : others, key);
  };
  return (
    <div className="join-out" data-testid={`join-out-${side.key}`}>
      <div className="join-out-head">
        <span className="join-pair-name" title={side.name}>
          {side.name}
        </span>
        <Input
          aria-label={`Prefix for ${side.name}`}
          data-testid={`join-${side.key}-prefix`}
          value={params[prefixField] ?? ""}
          placeholder="no prefix"
          disabled={readOnly}
          maxLength={64}
          onChange={(e) => {
            const { [prefixField]: _p, ...rest } = params;
            set(e.target.value ? { ...rest, [prefixField]: e.target.value } : rest, `${side.key}-prefix`);
          }}
        />
      </div>
      {all
        .filter((o) => o.side === side.key)
        .map((o) => {
          const as = choices.find((x) => x.column === o.column)?.as ?? "";
          const clash = o.kept && clashes.has(o.name.toLowerCase());
          return (
            <div className="join-out-row" key={o.column} data-kept={o.kept} data-clash={clash}>
              <Checkbox
                label={
                  <>
                    <TypeTag type={o.type} /> {o.column}
                  </>
                }
                checked={o.kept}
                disabled={readOnly}
                data-testid={`join-out-${side.key}-keep-${o.column}`}
                onChange={(e) => setChoice(o, e.target.checked, as)}
              />
              <Input
                aria-label={`Output name of ${side.name}.${o.column}`}
                data-testid={`join-out-${side.key}-as-${o.column}`}
                className={clash ? "join-clash" : undefined}
                aria-invalid={clash || undefined}
                title={clash ? `Another output column is named ${o.name}: rename one` : undefined}
                placeholder={o.defaultName}
                disabled={!o.kept || readOnly}
                value={as}
                onChange={(e) => setChoice(o, o.kept, e.target.value, `join-as-${side.key}-${o.column}`)}
              />
            </div>
          );
        })}
    </div>
  );
}

/** Columns computed by formulas, in order; each sees the columns before it. */
function ComputedList({
  title,
  p,
  base,
  list,
  step,
  stepPath,
  readOnly,
  onChange,
}: {
  title: string | null;
  p: string;
  base: Col[];
  list: JoinComputedColumn[];
  step: FormProps<JoinParams>["step"];
  stepPath: string;
  readOnly: boolean;
  onChange: (list: JoinComputedColumn[], key?: string) => void;
}) {
  const put = (i: number, next: JoinComputedColumn, key?: string) =>
    onChange(
      list.map((c, j) => (j === i ? next : c)),
      key,
    );
  return (
    <div className="join-computed" data-testid={p}>
      {title ? <div className="join-pair-name">{title}</div> : null}
      {list.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: computed columns are positional (step ids are indexes)
        <div className="row-card" key={i}>
          <div className="row-line rule-line">
            <Input
              aria-label={`Name of computed column ${i + 1}`}
              data-testid={`${p}-name-${i}`}
              className="join-computed-name"
              value={c.name}
              disabled={readOnly}
              onChange={(e) => put(i, { ...c, name: e.target.value }, `${p}-name-${i}`)}
            />
            <span className="as-label">=</span>
            <FormulaEditor
              ariaLabel={`Formula of computed column ${i + 1}`}
              testId={`${p}-formula-${i}`}
              placeholder="lower(trim(email))"
              readOnly={readOnly}
              value={c.formula}
              columns={withComputed(base, list.slice(0, i))}
              onChange={(formula) => put(i, { ...c, formula }, `${p}-formula-${i}`)}
            />
            <RemoveButton
              label={`Remove computed column ${i + 1}`}
              testId={`${p}-remove-${i}`}
              disabled={readOnly}
              onClick={() => onChange(list.filter((_, j) => j !== i))}
            />
          </div>
          <div className="row-line as-line">{step(`${stepPath}.${i}`)}</div>
        </div>
      ))}
      {readOnly ? null : (
        <AddButton
          testId={`${p}-add`}
          onClick={() => {
            const taken = new Set(withComputed(base, list).map((c) => c.name.toLowerCase()));
            let n = list.length + 1;
            while (taken.has(`computed_${n}`)) n++;
            onChange([...list, { name: `computed_${n}`, formula: "" }]);
          }}
        >
          Add computed column{title ? ` to ${title}` : ""}
        </AddButton>
      )}
    </div>
  );
}
