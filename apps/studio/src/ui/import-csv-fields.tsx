"use client";

import { type ColumnType, ColumnTypeSchema, type CsvOptions, type ImportColumn } from "@sous/contracts";
import { useState } from "react";
import { Checkbox, Field, Input, Select } from "./field.tsx";
import { DELIMITERS, DelimiterSelect, SkipBadLinesCheckbox } from "./import-dialog-core.tsx";

// The upload dialog's CSV settings: how the file is read (delimiter, quote, escape, encoding,
// lines to skip, decimal separator, header) and the columns as they will be imported.

const QUOTES: { value: string; label: string }[] = [
  { value: '"', label: '" double' },
  { value: "'", label: "' single" },
  { value: "", label: "None" },
];
const ESCAPES: { value: string; label: string }[] = [
  { value: '"', label: '"" doubled' },
  { value: "\\", label: "\\ backslash" },
  { value: "'", label: "'' doubled" },
  { value: "", label: "None" },
];
const ENCODINGS: CsvOptions["encoding"][] = ["utf-8", "latin-1", "utf-16"];
const CUSTOM = "custom";
const TYPE_LABEL: Record<ColumnType, string> = {
  string: "Text",
  integer: "Integer",
  bigint: "Big int",
  double: "Double",
  decimal: "Decimal",
  boolean: "Boolean",
  date: "Date",
  timestamp: "Timestamp",
};

export function CsvFields({
  csv,
  onChange,
}: {
  csv: CsvOptions;
  onChange: (patch: Partial<CsvOptions>) => void;
}) {
  const known = DELIMITERS.some((d) => d.value === csv.delimiter);
  const [custom, setCustom] = useState(!known);
  const [skipText, setSkipText] = useState(String(csv.skipLines));
  return (
    <>
      <div className="import-row">
        <Field label="Delimiter">
          {({ id }) => (
            <DelimiterSelect
              id={id}
              value={custom ? CUSTOM : csv.delimiter}
              onChange={(value) => {
                if (value === CUSTOM) return setCustom(true);
                setCustom(false);
                onChange({ delimiter: value });
              }}
              last={{ value: CUSTOM, label: "Other…" }}
              testId="import-delimiter"
            />
          )}
        </Field>
        {custom ? (
          <Field label="Other delimiter">
            {({ id }) => (
              <Input
                id={id}
                value={csv.delimiter}
                maxLength={4}
                onChange={(e) => {
                  if (e.target.value) onChange({ delimiter: e.target.value });
                }}
                data-testid="import-delimiter-custom"
              />
            )}
          </Field>
        ) : null}
      </div>
      <div className="import-row">
        <Field label="Quote">
          {({ id }) => (
            <Select
              id={id}
              value={csv.quote}
              onChange={(e) => onChange({ quote: e.target.value })}
              data-testid="import-quote"
            >
              {withCurrent(QUOTES, csv.quote).map((q) => (
                <option key={q.label} value={q.value}>
                  {q.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Escape">
          {({ id }) => (
            <Select
              id={id}
              value={csv.escape}
              onChange={(e) => onChange({ escape: e.target.value })}
              data-testid="import-escape"
            >
              {withCurrent(ESCAPES, csv.escape).map((q) => (
                <option key={q.label} value={q.value}>
                  {q.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <div className="import-row">
        <Field label="Encoding">
          {({ id }) => (
            <Select
              id={id}
              value={csv.encoding}
              onChange={(e) => onChange({ encoding: e.target.value as CsvOptions["encoding"] })}
              data-testid="import-encoding"
            >
              {ENCODINGS.map((enc) => (
                <option key={enc} value={enc}>
                  {enc.toUpperCase()}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Lines to skip" hint="Before the header">
          {({ id, describedBy }) => (
            <Input
              id={id}
              type="number"
              min={0}
              max={1000}
              aria-describedby={describedBy}
              value={skipText}
              onChange={(e) => {
                // The field may be empty or half-typed; the options change only on a valid count.
                setSkipText(e.target.value);
                const n = Number(e.target.value);
                if (e.target.value !== "" && Number.isInteger(n) && n >= 0 && n <= 1000)
                  onChange({ skipLines: n });
              }}
              onBlur={() => setSkipText(String(csv.skipLines))}
              data-testid="import-skip"
            />
          )}
        </Field>
      </div>
      <Field label="Decimal separator">
        {({ id }) => (
          <Select
            id={id}
            value={csv.decimalSeparator ?? "."}
            onChange={(e) => onChange({ decimalSeparator: e.target.value as "." | "," })}
            data-testid="import-decimal"
          >
            <option value=".">Point ( 10.5 )</option>
            <option value=",">Comma ( 10,5 )</option>
          </Select>
        )}
      </Field>
      <div className="import-checks">
        <Checkbox
          label="First line holds the column names"
          checked={csv.header}
          onChange={(e) => onChange({ header: e.target.checked })}
          data-testid="import-header"
        />
        <Checkbox
          label="Lines end with the delimiter"
          title="Like .tbl/.dat exports (a|b|): the empty last column is dropped"
          checked={csv.trailingDelimiter ?? false}
          onChange={(e) => onChange({ trailingDelimiter: e.target.checked })}
          data-testid="import-trailing"
        />
        <SkipBadLinesCheckbox
          checked={csv.skipBadLines ?? false}
          onChange={(skipBadLines) => onChange({ skipBadLines })}
          testId="import-skip-bad"
        />
      </div>
    </>
  );
}

/**
 * The columns as they will be imported: each name can be edited (a headerless file starts with
 * col_1..col_n) and each type chosen instead of the detected one (e.g. a money column as decimal).
 */
export function ColumnFields({
  csv,
  detected,
  onChange,
}: {
  csv: CsvOptions;
  detected: { name: string; type: ColumnType }[];
  onChange: (columns: ImportColumn[]) => void;
}) {
  const chosen = csv.columns && csv.columns.length === detected.length ? csv.columns : null;
  const edit = (i: number, patch: ImportColumn) => {
    const base: ImportColumn[] = chosen ?? detected.map((c) => ({ name: c.name }));
    onChange(base.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  };
  return (
    <fieldset className="import-columns" data-testid="import-columns">
      <legend>Columns</legend>
      <div className="import-columns-list">
        {detected.map((c, i) => {
          const name = chosen?.[i]?.name ?? c.name;
          const type = chosen?.[i]?.type ?? "";
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; names change as the user types
            <div className="import-column" key={i}>
              <span className="import-column-pos muted small">{i + 1}</span>
              <Input
                aria-label={`Name of column ${i + 1}`}
                value={name}
                maxLength={256}
                onChange={(e) => edit(i, { name: e.target.value })}
                data-testid={`import-col-name-${i}`}
              />
              <Select
                aria-label={`Type of column ${i + 1}`}
                value={type}
                onChange={(e) =>
                  edit(i, { type: e.target.value ? (e.target.value as ColumnType) : undefined })
                }
                data-testid={`import-col-type-${i}`}
              >
                <option value="">{type ? "Auto" : `Auto: ${TYPE_LABEL[c.type]}`}</option>
                {ColumnTypeSchema.options.map((t) => (
                  <option key={t} value={t}>
                    {TYPE_LABEL[t]}
                  </option>
                ))}
              </Select>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** A detected character outside the usual choices stays selectable. */
function withCurrent(list: { value: string; label: string }[], current: string) {
  return list.some((o) => o.value === current)
    ? list
    : [...list, { value: current, label: `( ${current} )` }];
}
