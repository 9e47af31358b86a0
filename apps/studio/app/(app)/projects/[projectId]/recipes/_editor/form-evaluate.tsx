"use client";

import type { EvaluateParams, ScoreParams } from "@sous/contracts";
import { Field, Select } from "@/ui/field.tsx";
import { ScoreForm } from "./form-score.tsx";
import { Section } from "./forms-basic.tsx";
import type { FormProps } from "./types.ts";

// Evaluate: the score form (saved model, output column names) plus the column with the true
// label. It writes two datasets: the scored rows with `correct`/`error`, then one row of metrics.
export function EvaluateForm(props: FormProps<EvaluateParams>) {
  const { params, set, inputs, readOnly, outputs: _outputs, ...rest } = props;
  const { labelColumn, ...scoreParams } = params;
  const columns = inputs[0]?.columns ?? [];
  return (
    <>
      <ScoreForm
        {...rest}
        inputs={inputs}
        readOnly={readOnly}
        params={scoreParams}
        set={(next: ScoreParams, key?: string) => set({ ...next, labelColumn }, key)}
      />
      <Section
        title="Label"
        hint="The column with the true value. Rows without one are scored but not counted in the metrics (the second output: one row per run)."
      >
        <Field label="Label column">
          {({ id }) => (
            <Select
              id={id}
              data-testid="evaluate-label-column"
              value={labelColumn}
              disabled={readOnly}
              onChange={(e) => set({ ...params, labelColumn: e.target.value }, "labelColumn")}
            >
              {!labelColumn ? <option value="">Pick the label column</option> : null}
              {columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </Section>
    </>
  );
}
