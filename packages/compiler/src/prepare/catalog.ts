import type { PrepareStep, PrepareStepType } from "@sous/contracts";
import type { Dialect, Translatability } from "../types.ts";
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
 * What each engine can do with one step's params, before any input schema is known (some
 * verdicts can only get worse once types are known, e.g. doubles turned into text on DuckDB).
 */
export function prepareStepEngines(step: PrepareStep): Record<Dialect, Translatability> {
  const mod = STEP_MODULES[step.type] as StepModule<PrepareStepType>;
  return mod.engines(step.params);
}
