import { PREPARE_STEP_PARAMS, type PrepareStep, type PrepareStepType } from "@sous/contracts";
import { assessFunction, worseVerdict } from "../catalog/index.ts";
import { DIALECTS, type Dialect, type Translatability } from "../types.ts";
import type { StepCategory, StepModule } from "./step.ts";
import { STEP_MODULES } from "./steps/index.ts";

export interface PrepareStepInfo {
  type: PrepareStepType;
  label: string;
  category: StepCategory;
  description: string;
}

/** Every prepare step type, for the studio's step picker. */
export function prepareStepCatalog(): PrepareStepInfo[] {
  return Object.values(STEP_MODULES).map(({ type, label, category, description }) => ({
    type,
    label,
    category,
    description,
  }));
}

/**
 * What each engine can do with one step's params, before any input schema is known: the
 * function catalog's verdicts for the calls the step sketches (some verdicts can only get worse
 * once types are known, e.g. doubles turned into text on DuckDB).
 */
export function prepareStepEngines(step: PrepareStep): Record<Dialect, Translatability> {
  const mod = STEP_MODULES[step.type] as StepModule<PrepareStepType>;
  // The studio asks before its form has filled the defaults in: the sketch reads them.
  const parsed = PREPARE_STEP_PARAMS[step.type].safeParse(step.params);
  const params = (parsed.success ? parsed.data : step.params) as typeof step.params;
  const v: Record<Dialect, Translatability> = { spark: { level: "full" }, duckdb: { level: "full" } };
  for (const e of mod.calls?.(params) ?? []) {
    for (const d of DIALECTS) {
      const found = assessFunction(e, d);
      if (found) v[d] = worseVerdict(v[d], found);
    }
  }
  return v;
}
