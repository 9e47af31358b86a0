"use client";

import type { ReactNode } from "react";
import { RemoveButton } from "@/ui/columns.tsx";
import { Input } from "@/ui/field.tsx";

/**
 * One aggregation of the group, window and pivot editors: a line of controls (column, function…)
 * ending in Remove, then "as" and the output name with the step's status; `extra` lines follow.
 */
export function AggregationRow({
  testId,
  readOnly,
  lineClassName = "row-line agg-line",
  children,
  remove,
  output,
  step,
  extra,
}: {
  testId?: string;
  readOnly: boolean;
  lineClassName?: string;
  /** The first line's controls, before Remove. */
  children: ReactNode;
  remove: { label: string; testId: string; disabled?: boolean; onRemove: () => void };
  output: {
    label: string;
    testId: string;
    placeholder?: string;
    value: string;
    onChange: (value: string) => void;
  };
  step: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <div className="row-card" data-testid={testId}>
      <div className={lineClassName}>
        {children}
        <RemoveButton
          label={remove.label}
          testId={remove.testId}
          disabled={readOnly || remove.disabled}
          onClick={remove.onRemove}
        />
      </div>
      <div className="row-line as-line">
        <span className="as-label">as</span>
        <Input
          aria-label={output.label}
          data-testid={output.testId}
          placeholder={output.placeholder}
          value={output.value}
          disabled={readOnly}
          onChange={(e) => output.onChange(e.target.value)}
        />
        {step}
      </div>
      {extra}
    </div>
  );
}

/** `a` with its optional output name set, or without one when `as` is empty. */
export function withAs<T extends { as?: string }>(a: T, as: string): T {
  const { as: _as, ...rest } = a;
  return (as ? { ...rest, as } : rest) as T;
}
