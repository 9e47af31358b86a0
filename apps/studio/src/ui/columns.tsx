"use client";

import type { ReactNode } from "react";
import { Select } from "./field.tsx";
import { CloseIcon, PlusIcon } from "./icons.tsx";

export interface Col {
  name: string;
  type: string;
}

const TYPE_ABBR: Record<string, string> = {
  string: "abc",
  integer: "int",
  bigint: "int",
  double: "#.#",
  decimal: "#.#",
  boolean: "t/f",
  date: "date",
  timestamp: "time",
};

/** A column's type, short, as a tag next to its name. */
export function TypeTag({ type }: { type: string }) {
  return (
    <span className="type-tag" title={type} data-type={type}>
      {TYPE_ABBR[type] ?? type}
    </span>
  );
}

/** One column of `columns`; a name no longer in the schema stays selectable, marked missing. */
export function ColumnSelect({
  columns,
  value,
  onChange,
  testId,
  label,
  placeholder,
  disabled,
}: {
  columns: Col[];
  value: string | undefined;
  onChange: (name: string) => void;
  testId?: string;
  label: string;
  /** Offered as an empty choice. */
  placeholder?: string;
  disabled?: boolean;
}) {
  const known = value === undefined || value === "" || columns.some((c) => c.name === value);
  return (
    <Select
      aria-label={label}
      data-testid={testId}
      value={value ?? ""}
      disabled={disabled}
      aria-invalid={!known || undefined}
      onChange={(e) => onChange(e.target.value)}
    >
      {placeholder !== undefined || !value ? (
        <option value="">{placeholder ?? "Pick a column"}</option>
      ) : null}
      {!known ? <option value={value}>{value} (missing)</option> : null}
      {columns.map((c) => (
        <option key={c.name} value={c.name}>
          {c.name} · {c.type}
        </option>
      ))}
    </Select>
  );
}

/** Several columns, in order: chips you can remove, and a picker to add one. */
export function ColumnMulti({
  columns,
  value,
  onChange,
  testId,
  label,
  empty,
  disabled,
}: {
  columns: Col[];
  value: string[];
  onChange: (names: string[]) => void;
  testId: string;
  label: string;
  /** Said when nothing is picked (what that means). */
  empty?: ReactNode;
  disabled?: boolean;
}) {
  const rest = columns.filter((c) => !value.includes(c.name));
  const typeOf = new Map(columns.map((c) => [c.name, c.type]));
  return (
    <div className="col-multi" data-testid={testId}>
      <div className="chips">
        {value.length === 0 && empty ? <span className="chips-empty">{empty}</span> : null}
        {value.map((name) => (
          <span
            key={name}
            className="chip"
            data-testid={`${testId}-chip-${name}`}
            data-missing={!typeOf.has(name)}
          >
            <TypeTag type={typeOf.get(name) ?? "?"} />
            <span className="chip-name">{name}</span>
            {disabled ? null : (
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${name} from ${label}`}
                data-testid={`${testId}-remove-${name}`}
                onClick={() => onChange(value.filter((v) => v !== name))}
              >
                <CloseIcon size={12} />
              </button>
            )}
          </span>
        ))}
      </div>
      {disabled || rest.length === 0 ? null : (
        <Select
          aria-label={`Add a column to ${label}`}
          data-testid={`${testId}-add`}
          className="col-add"
          value=""
          onChange={(e) => e.target.value && onChange([...value, e.target.value])}
        >
          <option value="">+ Add column…</option>
          {rest.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} · {c.type}
            </option>
          ))}
        </Select>
      )}
    </div>
  );
}

export interface SortKey {
  column: string;
  direction: "asc" | "desc";
  nulls?: "first" | "last" | undefined;
}

/** Sort keys, most significant first: column, direction, where NULLs go. */
export function SortKeysEditor({
  columns,
  value,
  onChange,
  testId,
  label,
  addLabel = "Add sort column",
  disabled,
}: {
  columns: Col[];
  value: SortKey[];
  onChange: (keys: SortKey[]) => void;
  testId: string;
  label: string;
  addLabel?: string;
  disabled?: boolean;
}) {
  const update = (i: number, patch: Partial<SortKey>) =>
    onChange(value.map((k, j) => (j === i ? { ...k, ...patch } : k)));
  return (
    <div className="rows" data-testid={testId}>
      {value.map((k, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: sort keys are positional
        <div className="row-line sort-line" key={i}>
          <ColumnSelect
            columns={columns}
            value={k.column}
            label={`${label} ${i + 1}: column`}
            testId={`${testId}-column-${i}`}
            onChange={(column) => update(i, { column })}
            disabled={disabled}
          />
          <Select
            aria-label={`${label} ${i + 1}: direction`}
            data-testid={`${testId}-direction-${i}`}
            value={k.direction}
            onChange={(e) => update(i, { direction: e.target.value as "asc" | "desc" })}
            disabled={disabled}
          >
            <option value="asc">Asc</option>
            <option value="desc">Desc</option>
          </Select>
          <Select
            aria-label={`${label} ${i + 1}: nulls`}
            data-testid={`${testId}-nulls-${i}`}
            value={k.nulls ?? ""}
            onChange={(e) => {
              const nulls = e.target.value as "" | "first" | "last";
              const { nulls: _drop, ...rest } = k;
              onChange(value.map((x, j) => (j === i ? (nulls ? { ...rest, nulls } : rest) : x)));
            }}
            disabled={disabled}
          >
            <option value="">Nulls auto</option>
            <option value="first">Nulls first</option>
            <option value="last">Nulls last</option>
          </Select>
          <RemoveButton
            label={`Remove ${label} ${i + 1}`}
            testId={`${testId}-remove-${i}`}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
            disabled={disabled}
          />
        </div>
      ))}
      {disabled ? null : (
        <AddButton
          testId={`${testId}-add`}
          onClick={() => {
            const used = new Set(value.map((k) => k.column));
            const next = columns.find((c) => !used.has(c.name)) ?? columns[0];
            if (next) onChange([...value, { column: next.name, direction: "asc" }]);
          }}
        >
          {addLabel}
        </AddButton>
      )}
    </div>
  );
}

export function RemoveButton({
  label,
  testId,
  onClick,
  disabled,
}: {
  label: string;
  testId?: string;
  onClick: () => void;
  disabled?: boolean;
}) {
  if (disabled) return <span className="icon-btn-space" />;
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={label}
      title={label}
      data-testid={testId}
      onClick={onClick}
    >
      <CloseIcon size={14} />
    </button>
  );
}

export function AddButton({
  children,
  testId,
  onClick,
  disabled,
}: {
  children: ReactNode;
  testId?: string;
  onClick: () => void;
  disabled?: boolean;
}) {
  return (
    <button type="button" className="add-btn" data-testid={testId} onClick={onClick} disabled={disabled}>
      <PlusIcon size={14} />
      {children}
    </button>
  );
}
