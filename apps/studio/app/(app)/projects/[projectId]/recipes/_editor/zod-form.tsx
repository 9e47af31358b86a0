"use client";

import type { ColumnType } from "@sous/contracts";
import type { ReactNode } from "react";
import { FormulaEditor } from "@/ui/code-editors.tsx";
import { AddButton, type Col, ColumnMulti, ColumnSelect, RemoveButton } from "@/ui/columns.tsx";
import { Input, Select, Textarea } from "@/ui/field.tsx";
import {
  type AnySchema,
  enumOptions,
  initialValue,
  isColumnField,
  isColumnListField,
  labelOf,
  unwrap,
} from "./zod-walk.ts";

// A params form generated from a step's zod schema: column pickers for column fields, selects
// for enums, checkboxes, numbers, lists of objects. Good enough for every prepare step type;
// the prepare editor hand-tunes labels and defaults on top.

export interface ZodFieldsProps {
  schema: AnySchema;
  value: Record<string, unknown>;
  onChange: (next: Record<string, unknown>, key?: string) => void;
  columns: Col[];
  testId: string;
  disabled: boolean;
  /** Fields not to render (the prepare editor draws them itself). */
  skip?: ReadonlySet<string>;
  /** The type a `formula` field must give (a formula filter wants "boolean"). */
  formulaExpect?: ColumnType;
}

/** One labelled field per key of an object schema. */
export function ZodFields({
  schema,
  value,
  onChange,
  columns,
  testId,
  disabled,
  skip,
  formulaExpect,
}: ZodFieldsProps) {
  const shape = schema._zod.def.shape as Record<string, AnySchema>;
  return (
    <div className="zod-fields">
      {Object.entries(shape).map(([key, s]) =>
        skip?.has(key) ? null : (
          <ZodField
            key={key}
            name={key}
            schema={s}
            value={value[key]}
            onChange={(v) => {
              const next = { ...value };
              if (v === undefined) delete next[key];
              else next[key] = v;
              onChange(next, `${testId}-${key}`);
            }}
            columns={columns}
            testId={`${testId}-${key}`}
            disabled={disabled}
            formulaExpect={formulaExpect}
          />
        ),
      )}
    </div>
  );
}

function FieldRow({
  label,
  hint,
  optional,
  children,
  wide,
}: {
  label: string;
  hint?: string;
  optional: boolean;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <div className={`zf-row${wide ? " zf-wide" : ""}`}>
      <span className="zf-label">
        {label}
        {optional ? <span className="zf-optional"> optional</span> : null}
      </span>
      <div className="zf-control">
        {children}
        {hint ? <div className="field-hint">{hint}</div> : null}
      </div>
    </div>
  );
}

const parseScalar = (text: string): string | number | boolean => {
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  return text;
};

function ZodField({
  name,
  schema,
  value,
  onChange,
  columns,
  testId,
  disabled,
  formulaExpect,
}: {
  name: string;
  schema: AnySchema;
  value: unknown;
  onChange: (v: unknown) => void;
  columns: Col[];
  testId: string;
  disabled: boolean;
  formulaExpect?: ColumnType | undefined;
}) {
  const u = unwrap(schema);
  const d = u.base._zod.def;
  const label = labelOf(name);
  const shown = value === undefined ? u.defaultValue : value;
  const row = (control: ReactNode, wide = false) => (
    <FieldRow label={label} hint={u.description} optional={u.optional} wide={wide}>
      {control}
    </FieldRow>
  );

  if (d.type === "string" && isColumnField(name, u.base)) {
    return row(
      <ColumnSelect
        columns={columns}
        value={(shown as string | undefined) ?? ""}
        onChange={(v) => onChange(v || (u.optional ? undefined : ""))}
        testId={testId}
        label={label}
        placeholder={u.optional ? "(none)" : undefined}
        disabled={disabled}
      />,
    );
  }
  if (d.type === "string" && name === "formula") {
    // A formula gets the formula editor: completion of the columns this step sees and of the
    // functions, errors underlined where they are. The value stays the formula's text.
    return (
      <FieldRow label={label} optional={u.optional} wide>
        <FormulaEditor
          value={(shown as string | undefined) ?? ""}
          onChange={(text) => onChange(text === "" && u.optional ? undefined : text)}
          columns={columns}
          {...(formulaExpect ? { expect: formulaExpect } : {})}
          ariaLabel={label}
          testId={testId}
          placeholder={u.description}
          readOnly={disabled}
        />
      </FieldRow>
    );
  }
  if (d.type === "string") {
    return row(
      <Input
        aria-label={label}
        data-testid={testId}
        value={(shown as string | null | undefined) ?? ""}
        placeholder={u.optional ? "(default)" : undefined}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === "" && u.optional ? undefined : e.target.value)}
      />,
    );
  }
  if (d.type === "number") {
    return row(
      <Input
        type="number"
        aria-label={label}
        data-testid={testId}
        value={shown === undefined || shown === null ? "" : String(shown)}
        disabled={disabled}
        onChange={(e) =>
          onChange(e.target.value === "" ? (u.optional ? undefined : 0) : Number(e.target.value))
        }
      />,
    );
  }
  if (d.type === "boolean") {
    return (
      <label className="checkbox zf-check">
        <input
          type="checkbox"
          data-testid={testId}
          checked={shown === true}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>
          {label}
          {u.description ? <span className="field-hint"> · {u.description}</span> : null}
        </span>
      </label>
    );
  }
  if (d.type === "enum") {
    const opts = enumOptions(u.base);
    return row(
      <Select
        aria-label={label}
        data-testid={testId}
        value={(shown as string | undefined) ?? ""}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
      >
        {u.optional ? <option value="">(none)</option> : null}
        {opts.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </Select>,
    );
  }
  if (d.type === "array") {
    const el = unwrap(d.element as AnySchema);
    const list = (Array.isArray(shown) ? shown : []) as unknown[];
    if (isColumnListField(name, d.element as AnySchema)) {
      return row(
        <ColumnMulti
          columns={columns}
          value={list as string[]}
          onChange={(v) => onChange(v.length === 0 && u.optional ? undefined : v)}
          testId={testId}
          label={label}
          disabled={disabled}
          empty={u.optional ? "All columns" : "Pick at least one column"}
        />,
      );
    }
    if (el.base._zod.def.type === "enum") {
      const opts = enumOptions(el.base);
      return row(
        <div className="zf-checks" data-testid={testId}>
          {opts.map((o) => (
            <label key={o} className="checkbox">
              <input
                type="checkbox"
                data-testid={`${testId}-${o}`}
                checked={list.includes(o)}
                disabled={disabled}
                onChange={(e) =>
                  onChange(
                    e.target.checked
                      ? opts.filter((x) => x === o || list.includes(x))
                      : list.filter((x) => x !== o),
                  )
                }
              />
              <span>{o}</span>
            </label>
          ))}
        </div>,
      );
    }
    if (el.base._zod.def.type === "object") {
      return row(
        <div className="zf-list" data-testid={testId}>
          {list.map((item, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: list items are positional
            <div className="zf-item" key={i}>
              <ZodFields
                schema={el.base}
                value={(item ?? {}) as Record<string, unknown>}
                onChange={(next) => onChange(list.map((x, j) => (j === i ? next : x)))}
                columns={columns}
                testId={`${testId}-${i}`}
                disabled={disabled}
              />
              <RemoveButton
                label={`Remove ${label} ${i + 1}`}
                testId={`${testId}-${i}-remove`}
                disabled={disabled}
                onClick={() => onChange(list.filter((_, j) => j !== i))}
              />
            </div>
          ))}
          <AddButton
            testId={`${testId}-add`}
            disabled={disabled}
            onClick={() => onChange([...list, initialValue(el.base, name, columns, () => "")])}
          >
            Add
          </AddButton>
        </div>,
        true,
      );
    }
    // Scalars: one per line.
    return row(
      <Textarea
        aria-label={label}
        data-testid={testId}
        rows={Math.min(6, Math.max(2, list.length + 1))}
        value={list.map((x) => String(x)).join("\n")}
        disabled={disabled}
        placeholder="One per line"
        onChange={(e) => {
          const lines = e.target.value.split("\n");
          const numeric = el.base._zod.def.type === "number";
          const scalar = el.base._zod.def.type === "union";
          const vals = lines.map((l) => (numeric ? Number(l) : scalar ? parseScalar(l) : l));
          onChange(vals.length === 1 && vals[0] === "" && u.optional ? undefined : vals);
        }}
      />,
    );
  }
  if (d.type === "union" && d.discriminator) {
    const opts = d.options as AnySchema[];
    const kinds = opts.map((o) => String(unwrap(o._zod.def.shape[d.discriminator]).base._zod.def.values[0]));
    const cur = (shown ?? {}) as Record<string, unknown>;
    const idx = Math.max(0, kinds.indexOf(String(cur[d.discriminator])));
    const opt = opts[idx]!;
    return (
      <FieldRow label={label} hint={u.description ?? opt.description} optional={u.optional} wide>
        <div className="zf-nested">
          <Select
            aria-label={`${label} kind`}
            data-testid={`${testId}-kind`}
            value={kinds[idx]}
            disabled={disabled}
            onChange={(e) => {
              const o = opts[kinds.indexOf(e.target.value)]!;
              onChange(initialValue(o, name, columns, () => ""));
            }}
          >
            {kinds.map((k) => (
              <option key={k} value={k}>
                {labelOf(k)}
              </option>
            ))}
          </Select>
          <ZodFields
            schema={opt}
            value={cur}
            onChange={(next) => onChange(next)}
            columns={columns}
            testId={testId}
            disabled={disabled}
            skip={new Set([d.discriminator])}
          />
        </div>
      </FieldRow>
    );
  }
  if (d.type === "union") {
    // A scalar value (text, number or true/false).
    return row(
      <Input
        aria-label={label}
        data-testid={testId}
        value={shown === undefined || shown === null ? "" : String(shown)}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === "" && u.nullable ? null : parseScalar(e.target.value))}
      />,
    );
  }
  // Anything else (records...): JSON.
  return row(
    <JsonField value={shown} onChange={onChange} testId={testId} disabled={disabled} label={label} />,
    true,
  );
}

function JsonField({
  value,
  onChange,
  testId,
  disabled,
  label,
}: {
  value: unknown;
  onChange: (v: unknown) => void;
  testId: string;
  disabled: boolean;
  label: string;
}) {
  return (
    <Textarea
      aria-label={`${label} (JSON)`}
      data-testid={testId}
      className="mono"
      rows={3}
      defaultValue={JSON.stringify(value ?? {}, null, 1)}
      disabled={disabled}
      onChange={(e) => {
        try {
          onChange(JSON.parse(e.target.value));
        } catch {
          // keep the last valid value while typing
        }
      }}
    />
  );
}
