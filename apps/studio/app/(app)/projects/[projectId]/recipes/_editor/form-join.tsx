"use client";

import type { JoinParams, JoinType } from "@sous/contracts";
import { useState } from "react";
import { AddButton, ColumnSelect, RemoveButton, TypeTag } from "@/ui/columns.tsx";
import { Checkbox, Field, Input } from "@/ui/field.tsx";
import { isNumericType } from "@/ui/format.ts";
import { suggestJoinKeys } from "./defaults.ts";
import { Section } from "./forms-basic.tsx";
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

function compatible(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a === b) return true;
  return isNumericType(a) && isNumericType(b);
}

export function JoinForm({ params, set, inputs, step, readOnly }: FormProps<JoinParams>) {
  const left = inputs[0];
  const right = inputs[1];
  const leftCols = left?.columns ?? [];
  const rightCols = right?.columns ?? [];
  const leftType = new Map(leftCols.map((c) => [c.name, c.type]));
  const rightType = new Map(rightCols.map((c) => [c.name, c.type]));
  // Click a column on the left, then one on the right: they become a condition.
  const [picked, setPicked] = useState<string | null>(null);
  const isCross = params.type === "cross";
  const setOn = (on: JoinParams["on"]) => set({ ...params, on });

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
          {TYPES.find((t) => t.type === params.type)?.help}. NULL keys never match.
        </p>
      </Section>
      {isCross ? null : (
        <Section
          title="Match rows where"
          hint="All conditions must hold. Click a column on each side to pair them."
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
              const ok = compatible(leftType.get(p.left), rightType.get(p.right));
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: conditions are positional
                <div className="join-pair" key={i} data-testid={`join-pair-${i}`}>
                  <ColumnSelect
                    columns={leftCols}
                    value={p.left}
                    label={`Left column of condition ${i + 1}`}
                    testId={`join-left-${i}`}
                    disabled={readOnly}
                    onChange={(v) => setOn(params.on.map((x, j) => (j === i ? { ...x, left: v } : x)))}
                  />
                  <span
                    className={ok ? "join-eq" : "join-eq join-eq-bad"}
                    title={ok ? "equals" : "The types differ"}
                  >
                    =
                  </span>
                  <ColumnSelect
                    columns={rightCols}
                    value={p.right}
                    label={`Right column of condition ${i + 1}`}
                    testId={`join-right-${i}`}
                    disabled={readOnly}
                    onChange={(v) => setOn(params.on.map((x, j) => (j === i ? { ...x, right: v } : x)))}
                  />
                  <RemoveButton
                    label={`Remove condition ${i + 1}`}
                    testId={`join-remove-${i}`}
                    disabled={readOnly}
                    onClick={() => setOn(params.on.filter((_, j) => j !== i))}
                  />
                  {ok ? null : (
                    <div className="join-warn field-error">
                      {leftType.get(p.left)} and {rightType.get(p.right)} never match: pick columns of the
                      same type.
                    </div>
                  )}
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
      <Section title="Output columns">
        <Checkbox
          label={`Drop ${right?.name ?? "the right input"}'s key columns (keys appear once)`}
          data-testid="join-drop-right-keys"
          checked={params.dropRightKeys}
          disabled={readOnly}
          onChange={(e) => set({ ...params, dropRightKeys: e.target.checked })}
        />
        <div className="inline-fields">
          <PrefixInput
            label={`Prefix for ${left?.name ?? "left"}`}
            testId="join-left-prefix"
            value={params.leftPrefix}
            disabled={readOnly}
            onChange={(v) => {
              const { leftPrefix: _l, ...rest } = params;
              set(v ? { ...rest, leftPrefix: v } : rest, "left-prefix");
            }}
          />
          <PrefixInput
            label={`Prefix for ${right?.name ?? "right"}`}
            testId="join-right-prefix"
            value={params.rightPrefix}
            disabled={readOnly}
            onChange={(v) => {
              const { rightPrefix: _r, ...rest } = params;
              set(v ? { ...rest, rightPrefix: v } : rest, "right-prefix");
            }}
          />
        </div>
        {step("join")}
      </Section>
    </>
  );
}

function PrefixInput({
  label,
  testId,
  value,
  disabled,
  onChange,
}: {
  label: string;
  testId: string;
  value: string | undefined;
  disabled: boolean;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={label}>
      {({ id }) => (
        <Input
          id={id}
          data-testid={testId}
          value={value ?? ""}
          placeholder="none"
          disabled={disabled}
          maxLength={64}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
