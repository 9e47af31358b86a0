"use client";

import type { DistinctParams, SortParams, StackParams, SyncParams, TopNParams } from "@sous/contracts";
import { ColumnMulti, SortKeysEditor, TypeTag } from "@/ui/columns.tsx";
import { Checkbox, Field, Input, Select } from "@/ui/field.tsx";
import type { FormProps } from "./types.ts";

export function Section({
  title,
  hint,
  children,
}: {
  title: string;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <section className="editor-section">
      <h3>{title}</h3>
      {hint ? <p className="section-hint">{hint}</p> : null}
      {children}
    </section>
  );
}

// ----- Sync: keep, reorder, rename -----

export function SyncForm({ params, set, inputs, readOnly }: FormProps<SyncParams>) {
  const cols = inputs[0]?.columns ?? [];
  // Absent = every column unchanged; the form shows that as every box ticked.
  const current: { column: string; as?: string | undefined }[] =
    params.columns ?? cols.map((c) => ({ column: c.name }));
  const kept = new Map(current.map((c, i) => [c.column, { ...c, i }]));
  const ordered = [...current.map((c) => c.column), ...cols.map((c) => c.name).filter((n) => !kept.has(n))];
  const typeOf = new Map(cols.map((c) => [c.name, c.type]));

  function commit(next: { column: string; as?: string | undefined }[], key?: string) {
    const clean = next.map((c) => (c.as?.trim() ? { column: c.column, as: c.as } : { column: c.column }));
    const identity =
      clean.length === cols.length && clean.every((c, i) => c.column === cols[i]?.name && !("as" in c));
    set(identity ? {} : { columns: clean }, key);
  }
  function move(name: string, by: -1 | 1) {
    const list = [...current];
    const i = list.findIndex((c) => c.column === name);
    const j = i + by;
    if (i < 0 || j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j]!, list[i]!];
    commit(list);
  }

  return (
    <Section title="Columns" hint="Untick to drop a column; type a new name to rename it; arrows reorder.">
      <div className="sync-table" data-testid="sync-columns">
        {ordered.map((name) => {
          const k = kept.get(name);
          return (
            <div className="sync-row" key={name} data-kept={Boolean(k)}>
              <Checkbox
                label={
                  <>
                    <TypeTag type={typeOf.get(name) ?? "?"} /> {name}
                  </>
                }
                checked={Boolean(k)}
                disabled={readOnly}
                data-testid={`sync-keep-${name}`}
                onChange={(e) =>
                  commit(
                    e.target.checked
                      ? [...current, { column: name }]
                      : current.filter((c) => c.column !== name),
                  )
                }
              />
              <Input
                aria-label={`Output name of ${name}`}
                data-testid={`sync-as-${name}`}
                placeholder={name}
                disabled={!k || readOnly}
                value={k?.as ?? ""}
                onChange={(e) =>
                  commit(
                    current.map((c) => (c.column === name ? { ...c, as: e.target.value } : c)),
                    `sync-as-${name}`,
                  )
                }
              />
              <span className="row-tools">
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={`Move ${name} up`}
                  disabled={!k || k.i === 0 || readOnly}
                  onClick={() => move(name, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={`Move ${name} down`}
                  disabled={!k || k.i === current.length - 1 || readOnly}
                  onClick={() => move(name, 1)}
                >
                  ↓
                </button>
              </span>
            </div>
          );
        })}
      </div>
    </Section>
  );
}

// ----- Sort -----

export function SortForm({ params, set, inputs, readOnly }: FormProps<SortParams>) {
  return (
    <Section
      title="Sort by"
      hint="Most significant first. NULLs go first when ascending, last when descending, unless you say."
    >
      <SortKeysEditor
        columns={inputs[0]?.columns ?? []}
        value={params.keys}
        onChange={(keys) => set({ ...params, keys })}
        testId="sort-keys"
        label="Sort key"
        disabled={readOnly}
      />
    </Section>
  );
}

// ----- Distinct -----

export function DistinctForm({ params, set, inputs, readOnly }: FormProps<DistinctParams>) {
  const cols = inputs[0]?.columns ?? [];
  const subset = params.columns !== undefined;
  return (
    <>
      <Section title="Compare rows on">
        <div className="radio-group" role="radiogroup" aria-label="Columns compared">
          <label className="radio">
            <input
              type="radio"
              name="distinct-mode"
              data-testid="distinct-mode-all"
              checked={!subset}
              disabled={readOnly}
              onChange={() => {
                const { columns: _c, ...rest } = params;
                set(rest);
              }}
            />
            All columns
          </label>
          <label className="radio">
            <input
              type="radio"
              name="distinct-mode"
              data-testid="distinct-mode-subset"
              checked={subset}
              disabled={readOnly}
              onChange={() => set({ ...params, columns: cols[0] ? [cols[0].name] : [] })}
            />
            Some columns (the output keeps only these)
          </label>
        </div>
        {subset ? (
          <ColumnMulti
            columns={cols}
            value={params.columns ?? []}
            onChange={(columns) => set({ ...params, columns })}
            testId="distinct-columns"
            label="Compared columns"
            disabled={readOnly}
          />
        ) : null}
      </Section>
      <Section title="Output">
        <Checkbox
          label="Add a count column: how many rows each output row stands for"
          data-testid="distinct-count"
          checked={params.duplicateCount}
          disabled={readOnly}
          onChange={(e) => set({ ...params, duplicateCount: e.target.checked })}
        />
      </Section>
    </>
  );
}

// ----- Top N -----

export function TopNForm({ params, set, inputs, readOnly }: FormProps<TopNParams>) {
  const cols = inputs[0]?.columns ?? [];
  return (
    <>
      <Section title="Keep">
        <div className="inline-fields">
          <Field label="Rows per group">
            {({ id }) => (
              <Input
                id={id}
                type="number"
                min={0}
                data-testid="topn-n"
                value={String(params.n)}
                disabled={readOnly}
                onChange={(e) =>
                  set({ ...params, n: Math.max(0, Math.floor(Number(e.target.value) || 0)) }, "topn-n")
                }
              />
            )}
          </Field>
          <Field label="Ties">
            {({ id }) => (
              <Select
                id={id}
                data-testid="topn-ranking"
                value={params.ranking}
                disabled={readOnly}
                onChange={(e) => set({ ...params, ranking: e.target.value as TopNParams["ranking"] })}
              >
                <option value="rowNumber">Exactly N (ties arbitrary)</option>
                <option value="rank">Keep ties (rank)</option>
                <option value="denseRank">Keep ties (dense rank)</option>
              </Select>
            )}
          </Field>
        </div>
      </Section>
      <Section title="Top means first by">
        <SortKeysEditor
          columns={cols}
          value={params.orderBy}
          onChange={(orderBy) => set({ ...params, orderBy })}
          testId="topn-order"
          label="Order key"
          addLabel="Add order column"
          disabled={readOnly}
        />
      </Section>
      <Section title="Per group of" hint="No column: the top rows of the whole dataset.">
        <ColumnMulti
          columns={cols}
          value={params.partitionBy}
          onChange={(partitionBy) => set({ ...params, partitionBy })}
          testId="topn-partition"
          label="Groups"
          empty="Whole dataset"
          disabled={readOnly}
        />
      </Section>
      <Section title="Rank column">
        <OptionalName
          label="Also output the rank as"
          value={params.rankColumn}
          placeholder="rank"
          testId="topn-rank-column"
          disabled={readOnly}
          onChange={(rankColumn, key) => {
            const { rankColumn: _r, ...rest } = params;
            set(rankColumn === undefined ? rest : { ...rest, rankColumn }, key);
          }}
        />
      </Section>
    </>
  );
}

/** A checkbox that enables an output column name. */
function OptionalName({
  label,
  value,
  placeholder,
  testId,
  disabled,
  onChange,
}: {
  label: string;
  value: string | undefined;
  placeholder: string;
  testId: string;
  disabled: boolean;
  onChange: (v: string | undefined, key?: string) => void;
}) {
  return (
    <div className="optional-name">
      <Checkbox
        label={label}
        checked={value !== undefined}
        disabled={disabled}
        data-testid={`${testId}-enabled`}
        onChange={(e) => onChange(e.target.checked ? placeholder : undefined)}
      />
      {value !== undefined ? (
        <Input
          aria-label={label}
          data-testid={testId}
          value={value}
          disabled={disabled}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value || placeholder, testId)}
        />
      ) : null}
    </div>
  );
}

// ----- Stack -----

export function StackForm({ params, set, inputs, readOnly }: FormProps<StackParams>) {
  // Which input has which column: what "union" and "intersection" will do, at a glance.
  const names: string[] = [];
  const seen = new Set<string>();
  for (const inp of inputs)
    for (const c of inp.columns) {
      const k = params.mode === "byName" ? c.name.toLowerCase() : c.name;
      if (!seen.has(k)) {
        seen.add(k);
        names.push(c.name);
      }
    }
  const has = (cols: { name: string }[], name: string) =>
    cols.some((c) => c.name.toLowerCase() === name.toLowerCase());
  return (
    <>
      <Section title="Match columns">
        <div className="inline-fields">
          <Field label="By">
            {({ id }) => (
              <Select
                id={id}
                data-testid="stack-mode"
                value={params.mode}
                disabled={readOnly}
                onChange={(e) => set({ ...params, mode: e.target.value as StackParams["mode"] })}
              >
                <option value="byName">Name</option>
                <option value="byPosition">Position (first input's names)</option>
              </Select>
            )}
          </Field>
          {params.mode === "byName" ? (
            <Field label="Keep">
              {({ id }) => (
                <Select
                  id={id}
                  data-testid="stack-columns"
                  value={params.columns}
                  disabled={readOnly}
                  onChange={(e) => set({ ...params, columns: e.target.value as StackParams["columns"] })}
                >
                  <option value="union">Every column (NULL where missing)</option>
                  <option value="intersection">Only shared columns</option>
                </Select>
              )}
            </Field>
          ) : null}
        </div>
        {params.mode === "byName" ? (
          <table className="match-table" data-testid="stack-matrix">
            <thead>
              <tr>
                <th scope="col">Column</th>
                {inputs.map((inp) => (
                  <th scope="col" key={inp.id}>
                    {inp.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {names.map((n) => {
                const everywhere = inputs.every((inp) => has(inp.columns, n));
                const dropped = params.columns === "intersection" && !everywhere;
                return (
                  <tr key={n} data-dropped={dropped}>
                    <th scope="row">{n}</th>
                    {inputs.map((inp) => (
                      <td key={inp.id}>{has(inp.columns, n) ? "✓" : <span className="muted">NULL</span>}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </Section>
      <Section title="Origin">
        <OptionalName
          label="Add a column with each row's input dataset"
          value={params.originColumn}
          placeholder="origin"
          testId="stack-origin"
          disabled={readOnly}
          onChange={(originColumn, key) => {
            const { originColumn: _o, ...rest } = params;
            set(originColumn === undefined ? rest : { ...rest, originColumn }, key);
          }}
        />
      </Section>
    </>
  );
}
