"use client";

import type { DatasetInfo } from "@sous/contracts";
import { Select } from "@/ui/field.tsx";
import { CloseIcon, PlusIcon } from "@/ui/icons.tsx";
import { recipeKindInfo } from "@/ui/recipe-kinds.ts";

/** A new recipe's input datasets, in order; unbuilt datasets show but cannot be picked. */
export function InputPickers({
  kind,
  inputs,
  datasets,
  onChange,
  onAdd,
  onRemove,
}: {
  kind: string;
  inputs: string[];
  datasets: DatasetInfo[];
  onChange: (i: number, id: string) => void;
  onAdd: () => void;
  onRemove: (i: number) => void;
}) {
  const [min, max] = recipeKindInfo(kind)?.inputs ?? [1, 1];
  const label = (i: number) => (kind === "join" ? (i === 0 ? "Left" : "Right") : `Input ${i + 1}`);
  return (
    <div className="input-pickers">
      {inputs.map((id, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: inputs are positional
        <div className="row-line" key={i}>
          <span className="as-label input-role">{label(i)}</span>
          <Select
            aria-label={`${label(i)} input dataset`}
            data-testid={`input-${i}`}
            value={id}
            onChange={(e) => onChange(i, e.target.value)}
          >
            <option value="">{kind === "join" && i === 1 ? "Join with…" : "Pick a dataset…"}</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id} disabled={!d.schema}>
                {d.name}
                {d.schema ? "" : " (not built)"}
              </option>
            ))}
          </Select>
          {i >= min ? (
            <button
              type="button"
              className="icon-btn"
              aria-label={`Remove input ${i + 1}`}
              onClick={() => onRemove(i)}
            >
              <CloseIcon size={14} />
            </button>
          ) : null}
        </div>
      ))}
      {inputs.length < max && max > 2 ? (
        <button type="button" className="add-btn" data-testid="add-input" onClick={onAdd}>
          <PlusIcon size={14} />
          Add input
        </button>
      ) : null}
    </div>
  );
}
