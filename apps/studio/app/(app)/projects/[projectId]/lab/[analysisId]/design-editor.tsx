"use client";

import {
  ALGORITHM_SUPPORT,
  type Algorithm,
  type DesignFeature,
  engineNotes,
  gridSize,
  METRICS_BY_TASK,
  type Metric,
  type MlDesign,
  searchedCombinations,
} from "@sous/ml";
import { useEffect, useState } from "react";
import { Field, Input, Select } from "@/ui/field.tsx";
import { plural } from "@/ui/format.ts";
import { ALGORITHM_LABEL, METRIC_LABEL, TASK_LABEL } from "../lab-labels.ts";
import { FeatureHandlingCells } from "./feature-handling-cells.tsx";

// The design form: which columns are features and how each is handled, the validation split, the
// metric the best model is chosen by, and the algorithms with their settings. Pure over `design`:
// every change goes through onChange.

/** Every algorithm with the settings it starts from; the task and engine decide which are offered. */
const ALGORITHMS: Algorithm[] = [
  { algorithm: "logistic", C: 1, maxIter: 1000 },
  { algorithm: "linear", alpha: 1 },
  { algorithm: "decisionTree", maxDepth: 8, minSamplesLeaf: 5 },
  { algorithm: "randomForest", nTrees: 100, maxDepth: 12, minSamplesLeaf: 2 },
  { algorithm: "gbt", nTrees: 100, learningRate: 0.1, maxDepth: 3, minSamplesLeaf: 1 },
  { algorithm: "xgboost", nTrees: 100, learningRate: 0.3, maxDepth: 6 },
];

const VALIDATION_HINT: Record<MlDesign["validation"]["kind"], string> = {
  random_split: "A seeded share of the rows is held out",
  time_split: "Time-ordered: train on the past, test on the latest rows",
  kfold: "Cross-validation: each row is tested once; mean ± std over folds",
};

export interface RemoteEngineOption {
  connectionId: string;
  profileId: string;
  label: string;
}

export function DesignEditor({
  design,
  reasons,
  readOnly,
  engines,
  onChange,
}: {
  design: MlDesign;
  reasons: Record<string, string>;
  readOnly: boolean;
  engines: RemoteEngineOption[];
  onChange: (d: MlDesign) => void;
}) {
  const engineValue =
    design.engine.kind === "local" ? "local" : `${design.engine.connectionId}/${design.engine.profileId}`;
  const notes = engineNotes(design, design.engine.kind);
  const setFeature = (i: number, f: DesignFeature) =>
    onChange({ ...design, features: design.features.map((x, j) => (j === i ? f : x)) });
  // Offered when some engine trains it for this task; one the chosen engine cannot train shows
  // as a problem before training.
  const choices = ALGORITHMS.filter((a) =>
    Object.values(ALGORITHM_SUPPORT[a.algorithm]).some((e) => e.available && e.tasks.includes(design.task)),
  );
  const included = design.features.filter((f) => f.include).length;
  const v = design.validation;
  const setValidation = (validation: MlDesign["validation"]) => onChange({ ...design, validation });
  // Any column but the target can order the rows (dates, timestamps, numbers, ISO text).
  const timeColumns = design.features.map((f) => f.name);
  return (
    <fieldset className="design" disabled={readOnly}>
      <div className="design-row">
        <span>
          Task: <strong>{TASK_LABEL[design.task]}</strong>
        </span>
        <span className="inline">
          Train on
          <Select
            aria-label="Where to train"
            value={engineValue}
            data-testid="design-engine"
            onChange={(e) => {
              const chosen = engines.find((x) => `${x.connectionId}/${x.profileId}` === e.target.value);
              onChange({
                ...design,
                engine: chosen
                  ? { kind: "databricks", connectionId: chosen.connectionId, profileId: chosen.profileId }
                  : { kind: "local" },
              });
            }}
          >
            <option value="local">This machine (scikit-learn)</option>
            {engines.map((x) => (
              <option key={`${x.connectionId}/${x.profileId}`} value={`${x.connectionId}/${x.profileId}`}>
                Databricks {x.label} (Spark MLlib)
              </option>
            ))}
          </Select>
        </span>
      </div>
      {notes.length ? (
        <ul className="engine-notes" data-testid="engine-notes">
          {notes.map((n) => (
            <li key={n.path + n.message}>{n.message}</li>
          ))}
        </ul>
      ) : null}

      <h3>
        Features{" "}
        <span className="muted">
          ({included} of {plural(design.features.length, "column")})
        </span>
      </h3>
      <div className="lab-scroll features-scroll">
        <table className="lab-table features" data-testid="features-table">
          <thead>
            <tr>
              <th>Use</th>
              <th>Column</th>
              <th>Handled as</th>
              <th>Missing values</th>
              <th>Encoding</th>
            </tr>
          </thead>
          <tbody>
            {design.features.map((f, i) => (
              <tr
                key={f.name}
                className={f.include ? "" : "excluded"}
                data-testid="feature-row"
                data-name={f.name}
              >
                <td>
                  <input
                    type="checkbox"
                    checked={f.include}
                    aria-label={`Use ${f.name} as a feature`}
                    onChange={(e) => setFeature(i, { ...f, include: e.target.checked })}
                  />
                </td>
                <td>
                  <code>{f.name}</code>
                  {reasons[f.name] ? (
                    <div className="reason" data-testid="feature-reason">
                      {reasons[f.name]}
                    </div>
                  ) : null}
                </td>
                <FeatureHandlingCells feature={f} onChange={(next) => setFeature(i, next)} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Validation</h3>
      <div className="design-grid">
        <Field label="Validation" hint={VALIDATION_HINT[v.kind]}>
          {({ id, describedBy }) => (
            <Select
              id={id}
              aria-describedby={describedBy}
              value={v.kind}
              data-testid="design-validation"
              onChange={(e) => {
                const kind = e.target.value as MlDesign["validation"]["kind"];
                const seed = "seed" in v ? v.seed : 1337;
                const testRatio = "testRatio" in v ? v.testRatio : 0.2;
                setValidation(
                  kind === "kfold"
                    ? { kind, k: 5, seed }
                    : kind === "time_split"
                      ? {
                          kind,
                          column: v.kind === "time_split" ? v.column : (timeColumns[0] ?? ""),
                          testRatio,
                        }
                      : { kind, testRatio, seed },
                );
              }}
            >
              <option value="random_split">Random split</option>
              <option value="time_split">Time split</option>
              <option value="kfold">K-fold</option>
            </Select>
          )}
        </Field>
        {v.kind === "kfold" ? (
          <Field label="Folds" hint="3 to 10; the model kept is refitted on all rows">
            {({ id, describedBy }) => (
              <Input
                id={id}
                aria-describedby={describedBy}
                type="number"
                min={3}
                max={10}
                value={v.k}
                data-testid="design-folds"
                onChange={(e) => {
                  const k = Math.trunc(Number(e.target.value));
                  if (k >= 3 && k <= 10) setValidation({ ...v, k });
                }}
              />
            )}
          </Field>
        ) : (
          <Field
            label="Test rows"
            hint={v.kind === "time_split" ? "The latest rows" : "Held out to measure the models"}
          >
            {({ id, describedBy }) => (
              <Select
                id={id}
                aria-describedby={describedBy}
                value={String(v.testRatio)}
                onChange={(e) => setValidation({ ...v, testRatio: Number(e.target.value) })}
              >
                {[0.1, 0.2, 0.25, 0.3].map((r) => (
                  <option key={r} value={r}>
                    {r * 100} %
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
        {v.kind === "time_split" ? (
          <Field label="Date column" hint="Rows are ordered by it">
            {({ id, describedBy }) => (
              <Select
                id={id}
                aria-describedby={describedBy}
                value={v.column}
                data-testid="design-time-column"
                onChange={(e) => setValidation({ ...v, column: e.target.value })}
              >
                {timeColumns.includes(v.column) ? null : (
                  <option value={v.column}>{v.column || "Choose…"}</option>
                )}
                {timeColumns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : (
          <Field label="Random seed" hint="Same seed, same rows">
            {({ id, describedBy }) => (
              <Input
                id={id}
                aria-describedby={describedBy}
                type="number"
                min={0}
                value={v.seed}
                onChange={(e) =>
                  setValidation({ ...v, seed: Math.max(0, Math.trunc(Number(e.target.value) || 0)) })
                }
              />
            )}
          </Field>
        )}
        <Field label="Choose the best by">
          {({ id }) => (
            <Select
              id={id}
              value={design.metric}
              onChange={(e) => onChange({ ...design, metric: e.target.value as Metric })}
              data-testid="design-metric"
            >
              {METRICS_BY_TASK[design.task].map((m) => (
                <option key={m} value={m}>
                  {METRIC_LABEL[m]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {design.task !== "regression" ? (
          <Field label="Class weights" hint="Balanced: rare classes weigh more">
            {({ id, describedBy }) => (
              <Select
                id={id}
                aria-describedby={describedBy}
                value={design.classWeights}
                data-testid="design-class-weights"
                onChange={(e) =>
                  onChange({ ...design, classWeights: e.target.value as MlDesign["classWeights"] })
                }
              >
                <option value="none">None</option>
                <option value="balanced">Balanced</option>
              </Select>
            )}
          </Field>
        ) : null}
      </div>

      <h3>Hyperparameter search</h3>
      <div className="design-grid">
        <Field
          label="Search"
          hint={
            design.search.kind === "random"
              ? "A seeded draw of the combinations of the values listed under each algorithm"
              : "Every combination of the values listed under each algorithm"
          }
        >
          {({ id, describedBy }) => (
            <Select
              id={id}
              aria-describedby={describedBy}
              value={design.search.kind}
              data-testid="design-search"
              onChange={(e) =>
                onChange({
                  ...design,
                  search:
                    e.target.value === "random"
                      ? { kind: "random", budget: 10, seed: 1337 }
                      : { kind: "grid" },
                })
              }
            >
              <option value="grid">Grid</option>
              <option value="random">Random</option>
            </Select>
          )}
        </Field>
        {design.search.kind === "random" ? (
          <>
            <Field label="Budget" hint="Combinations tried per algorithm">
              {({ id, describedBy }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  type="number"
                  min={1}
                  max={500}
                  value={design.search.kind === "random" ? design.search.budget : 10}
                  data-testid="design-search-budget"
                  onChange={(e) => {
                    const budget = Math.trunc(Number(e.target.value));
                    if (design.search.kind === "random" && budget >= 1 && budget <= 500)
                      onChange({ ...design, search: { ...design.search, budget } });
                  }}
                />
              )}
            </Field>
            <Field label="Search seed">
              {({ id }) => (
                <Input
                  id={id}
                  type="number"
                  min={0}
                  value={design.search.kind === "random" ? design.search.seed : 0}
                  onChange={(e) => {
                    if (design.search.kind === "random")
                      onChange({
                        ...design,
                        search: {
                          ...design.search,
                          seed: Math.max(0, Math.trunc(Number(e.target.value) || 0)),
                        },
                      });
                  }}
                />
              )}
            </Field>
          </>
        ) : null}
      </div>

      <h3>Algorithms</h3>
      <ul className="algorithms" data-testid="algorithms">
        {choices.map((choice) => {
          const current = design.algorithms.find((a) => a.algorithm === choice.algorithm);
          const toggle = (on: boolean) =>
            onChange({
              ...design,
              algorithms: on
                ? [...design.algorithms, choice]
                : design.algorithms.filter((a) => a.algorithm !== choice.algorithm),
            });
          const set = (a: Algorithm) =>
            onChange({
              ...design,
              algorithms: design.algorithms.map((x) => (x.algorithm === a.algorithm ? a : x)),
            });
          return (
            <li key={choice.algorithm} className={current ? "" : "off"}>
              <label className="inline">
                <input
                  type="checkbox"
                  checked={Boolean(current)}
                  onChange={(e) => toggle(e.target.checked)}
                  data-testid={`algorithm-${choice.algorithm}`}
                />
                <strong>{ALGORITHM_LABEL[choice.algorithm]}</strong>
              </label>
              {current ? (
                <>
                  {gridSize(current) > 1 ? (
                    <span
                      className="muted small combinations"
                      data-testid={`combinations-${current.algorithm}`}
                    >
                      {design.search.kind === "random" &&
                      searchedCombinations(current, design.search) < gridSize(current)
                        ? `${searchedCombinations(current, design.search)} of ${plural(gridSize(current), "combination")}`
                        : plural(gridSize(current), "combination")}
                    </span>
                  ) : null}
                  <AlgorithmSettings algorithm={current} onChange={set} />
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function NumberSetting({
  label,
  value,
  min,
  max,
  step,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max?: number;
  step?: number;
  onChange: (v: number) => void;
}) {
  return (
    <span className="inline setting">
      {label}
      <Input
        aria-label={label}
        type="number"
        min={min}
        max={max}
        step={step ?? 1}
        value={value}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v) && v >= min && (max === undefined || v <= max)) onChange(v);
        }}
      />
    </span>
  );
}

/** One number of an algorithm's settings; `zeroIsNone`: 0 in the field means no limit (null). */
interface Setting {
  key: string;
  label: string;
  min: number;
  max?: number;
  step?: number;
  zeroIsNone?: boolean;
}

const trees: Setting = { key: "nTrees", label: "Trees", min: 1, max: 2000 };
const leaf: Setting = { key: "minSamplesLeaf", label: "Min rows per leaf", min: 1 };
const depth = (max: number, zeroIsNone: boolean): Setting => ({
  key: "maxDepth",
  label: zeroIsNone ? "Max depth (0: none)" : "Max depth",
  min: 1,
  max,
  zeroIsNone,
});

/** The settings form of each algorithm; a typed record, so a new algorithm must list its own. */
const SETTINGS: Record<Algorithm["algorithm"], Setting[]> = {
  logistic: [
    { key: "C", label: "C (inverse regularisation)", min: 0.0001, step: 0.1 },
    { key: "maxIter", label: "Max iterations", min: 1 },
  ],
  linear: [{ key: "alpha", label: "Alpha (regularisation)", min: 0, step: 0.1 }],
  decisionTree: [depth(64, true), leaf],
  randomForest: [trees, depth(64, true), leaf],
  gbt: [
    trees,
    { key: "learningRate", label: "Learning rate", min: 0.001, max: 1, step: 0.05 },
    depth(30, false),
    leaf,
  ],
  xgboost: [
    trees,
    { key: "learningRate", label: "Learning rate", min: 0.001, max: 1, step: 0.05 },
    depth(30, false),
  ],
};

function AlgorithmSettings({
  algorithm,
  onChange,
}: {
  algorithm: Algorithm;
  onChange: (a: Algorithm) => void;
}) {
  const values = algorithm as unknown as Record<string, number | null>;
  const grid = (algorithm.grid ?? {}) as Record<string, (number | null)[] | undefined>;
  const setGrid = (key: string, list: (number | null)[] | null) => {
    const { [key]: _, ...rest } = grid;
    const next = list ? { ...rest, [key]: list } : rest;
    onChange({ ...algorithm, grid: Object.keys(next).length ? next : undefined } as Algorithm);
  };
  return (
    <div className="settings">
      {SETTINGS[algorithm.algorithm].map((s) => (
        <span key={s.key} className="setting-pair">
          <NumberSetting
            label={s.label}
            value={values[s.key] ?? 0}
            min={s.zeroIsNone ? 0 : s.min}
            max={s.max}
            step={s.step}
            onChange={(v) =>
              onChange({ ...algorithm, [s.key]: s.zeroIsNone && v === 0 ? null : v } as Algorithm)
            }
          />
          <GridValues
            setting={s}
            algorithm={algorithm.algorithm}
            values={grid[s.key]}
            onChange={(list) => setGrid(s.key, list)}
          />
        </span>
      ))}
    </div>
  );
}

/** "0.1, 1, 10": the values a search tries for one setting ("none" for no depth limit); empty: only the setting's value. */
function parseValues(text: string, s: Setting): (number | null)[] | null | "invalid" {
  const parts = text
    .split(/[,;\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return null;
  if (parts.length > 20) return "invalid";
  const out: (number | null)[] = [];
  for (const p of parts) {
    if (s.zeroIsNone && /^(none|0)$/i.test(p)) {
      out.push(null);
      continue;
    }
    const v = Number(p);
    const integer = s.step === undefined;
    if (
      !Number.isFinite(v) ||
      v < s.min ||
      (s.max !== undefined && v > s.max) ||
      (integer && !Number.isInteger(v))
    )
      return "invalid";
    out.push(v);
  }
  return [...new Set(out)];
}

const formatValues = (list: (number | null)[] | undefined) =>
  (list ?? []).map((v) => (v === null ? "none" : String(v))).join(", ");

function GridValues({
  setting,
  algorithm,
  values,
  onChange,
}: {
  setting: Setting;
  algorithm: string;
  values: (number | null)[] | undefined;
  onChange: (list: (number | null)[] | null) => void;
}) {
  const [text, setText] = useState(formatValues(values));
  const [invalid, setInvalid] = useState(false);
  // A change from outside (a reload, another save) replaces what is typed.
  useEffect(() => {
    setText((t) => {
      const parsed = parseValues(t, setting);
      return parsed !== "invalid" && formatValues(parsed ?? undefined) === formatValues(values)
        ? t
        : formatValues(values);
    });
  }, [values, setting]);
  return (
    <span className="inline setting grid-values">
      or try
      <Input
        aria-label={`Values of ${setting.label} to try`}
        aria-invalid={invalid || undefined}
        placeholder={setting.zeroIsNone ? "e.g. 4, 8, none" : "values, comma-separated"}
        value={text}
        data-testid={`grid-${algorithm}-${setting.key}`}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseValues(e.target.value, setting);
          setInvalid(parsed === "invalid");
          if (parsed !== "invalid") onChange(parsed);
        }}
      />
    </span>
  );
}
