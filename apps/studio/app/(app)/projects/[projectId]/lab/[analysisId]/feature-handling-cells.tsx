"use client";

import {
  type CategoricalEncoding,
  DATE_PARTS,
  type DatePart,
  DEFAULT_TEXT_MAX_CHARS,
  type DesignFeature,
  FEATURE_SUPPORT,
  featureHandling,
} from "@sous/ml";
import { Input, Select } from "@/ui/field.tsx";

// A features-table row's handling cells: how the column is handled (number, category, text,
// date), its missing values, and its encoding (rescale; one-hot, ordinal or target; tf-idf
// vocabulary; date parts). A handling one engine lacks says so on the row.

type Kind = DesignFeature["type"];

const PART_LABEL: Record<DatePart, string> = {
  year: "Year",
  month: "Month",
  dayOfWeek: "Day of week",
  hour: "Hour",
  epochDays: "Days since 1970",
};

const ENCODING_LABEL: Record<CategoricalEncoding, string> = {
  onehot: "One-hot",
  ordinal: "Ordinal (by frequency)",
  target: "Target mean",
};

/** The first handling of a column switched to `kind` (its name and include kept). */
function switched(f: DesignFeature, kind: Kind): DesignFeature {
  const common = { name: f.name, include: f.include };
  switch (kind) {
    case "numeric":
      return { ...common, type: "numeric", impute: { method: "mean" }, rescale: "standard" };
    case "categorical":
      return { ...common, type: "categorical", impute: { method: "most_frequent" }, maxLevels: 20 };
    case "text":
      return {
        ...common,
        type: "text",
        method: "tfidf",
        maxFeatures: 1000,
        maxChars: DEFAULT_TEXT_MAX_CHARS,
      };
    case "date":
      return {
        ...common,
        type: "date",
        parts: ["year", "month", "dayOfWeek", "epochDays"],
        rescale: "standard",
      };
  }
}

export function FeatureHandlingCells({
  feature: f,
  onChange,
}: {
  feature: DesignFeature;
  onChange: (f: DesignFeature) => void;
}) {
  const support = FEATURE_SUPPORT[featureHandling(f)];
  const localOnly = support.local.available && !support.databricks.available;
  return (
    <>
      <td>
        <Select
          aria-label={`How ${f.name} is handled`}
          value={f.type}
          onChange={(e) => onChange(switched(f, e.target.value as Kind))}
        >
          <option value="numeric">Number</option>
          <option value="categorical">Category</option>
          <option value="text">Text</option>
          <option value="date">Date</option>
        </Select>
      </td>
      <td>
        {f.type === "numeric" ? (
          <Select
            aria-label={`Missing ${f.name}`}
            value={f.impute.method}
            onChange={(e) =>
              onChange({
                ...f,
                impute:
                  e.target.value === "constant"
                    ? { method: "constant", value: 0 }
                    : { method: e.target.value as "mean" | "median" },
              })
            }
          >
            <option value="mean">Mean</option>
            <option value="median">Median</option>
            <option value="constant">Zero</option>
          </Select>
        ) : f.type === "categorical" ? (
          <span className="muted">Most frequent</span>
        ) : f.type === "date" ? (
          <span className="muted">Mean of each part</span>
        ) : (
          <span className="muted">No words</span>
        )}
      </td>
      <td>
        {f.type === "numeric" ? (
          <Select
            aria-label={`Rescale ${f.name}`}
            value={f.rescale}
            onChange={(e) => onChange({ ...f, rescale: e.target.value as typeof f.rescale })}
          >
            <option value="standard">Standardise</option>
            <option value="minmax">Min-max</option>
            <option value="none">As is</option>
          </Select>
        ) : f.type === "categorical" ? (
          <span className="handling-wrap">
            <Select
              aria-label={`Encoding of ${f.name}`}
              value={f.encoding ?? "onehot"}
              data-testid="feature-encoding"
              onChange={(e) => {
                const encoding = e.target.value as CategoricalEncoding;
                const { encoding: _e, ...rest } = f;
                onChange(encoding === "onehot" ? rest : { ...rest, encoding });
              }}
            >
              {(Object.keys(ENCODING_LABEL) as CategoricalEncoding[]).map((k) => (
                <option key={k} value={k}>
                  {ENCODING_LABEL[k]}
                </option>
              ))}
            </Select>
            {f.encoding === "target" ? null : (
              <>
                Top
                <Input
                  type="number"
                  min={1}
                  max={1000}
                  value={f.maxLevels}
                  aria-label={`Levels kept of ${f.name}`}
                  onChange={(e) => onChange({ ...f, maxLevels: Math.max(1, Number(e.target.value) || 1) })}
                />
                {f.encoding === "ordinal" ? "coded, others -1" : "+ others"}
              </>
            )}
          </span>
        ) : f.type === "text" ? (
          <span className="handling-wrap">
            Tf-idf, top
            <Input
              type="number"
              min={1}
              max={20000}
              value={f.maxFeatures}
              aria-label={`Words kept of ${f.name}`}
              onChange={(e) =>
                onChange({ ...f, maxFeatures: Math.min(20000, Math.max(1, Number(e.target.value) || 1)) })
              }
            />
            words of the first
            <Input
              type="number"
              min={1}
              max={1000000}
              value={f.maxChars ?? DEFAULT_TEXT_MAX_CHARS}
              aria-label={`Characters read of ${f.name}`}
              onChange={(e) =>
                onChange({ ...f, maxChars: Math.min(1_000_000, Math.max(1, Number(e.target.value) || 1)) })
              }
            />
            characters
          </span>
        ) : (
          <span className="handling-wrap" data-testid="date-parts">
            {DATE_PARTS.map((p) => (
              <label key={p}>
                <input
                  type="checkbox"
                  checked={f.parts.includes(p)}
                  aria-label={`${PART_LABEL[p]} of ${f.name}`}
                  onChange={(e) => {
                    const parts = e.target.checked
                      ? DATE_PARTS.filter((q) => q === p || f.parts.includes(q))
                      : f.parts.filter((q) => q !== p);
                    if (parts.length > 0) onChange({ ...f, parts });
                  }}
                />
                {PART_LABEL[p]}
              </label>
            ))}
          </span>
        )}
        {localOnly ? (
          <div className="reason" data-testid="feature-engine-note">
            Local engine only; scores through Python, not SQL
          </div>
        ) : null}
      </td>
    </>
  );
}
