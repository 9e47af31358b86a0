"use client";

import type { DatasetInfo } from "@sous/contracts";
import Link from "next/link";
import { Input } from "@/ui/field.tsx";
import { TableIcon } from "@/ui/icons.tsx";
import { InputPickers } from "./input-pickers.tsx";

/**
 * The recipe's inputs and outputs. A saved recipe's are fixed (shown as chips, outputs link to
 * their datasets); a new recipe picks its inputs and names its output here (a split names its
 * outputs in its form, one per output).
 */
export function RecipeIo({
  projectId,
  kind,
  saved,
  inputs,
  datasets,
  byId,
  outputs,
  output,
  taken,
  onInput,
  onAddInput,
  onRemoveInput,
  onOutput,
}: {
  projectId: string;
  kind: string;
  /** Whether the recipe exists on the server (its inputs and outputs no longer change here). */
  saved: boolean;
  inputs: string[];
  datasets: DatasetInfo[];
  byId: ReadonlyMap<string, DatasetInfo>;
  outputs: DatasetInfo[];
  output: string;
  taken: ReadonlySet<string>;
  onInput: (i: number, id: string) => void;
  onAddInput: () => void;
  onRemoveInput: (i: number) => void;
  onOutput: (name: string) => void;
}) {
  return (
    <section className="editor-section io-section">
      <h3>Inputs</h3>
      {saved ? (
        <div className="io-line" data-testid="recipe-inputs">
          {inputs.map((id) => (
            <span key={id} className="io-chip">
              <TableIcon size={14} />
              {byId.get(id)?.name ?? "?"}
            </span>
          ))}
        </div>
      ) : (
        <InputPickers
          kind={kind}
          inputs={inputs}
          datasets={datasets}
          onChange={onInput}
          onAdd={onAddInput}
          onRemove={onRemoveInput}
        />
      )}
      <h3>Output</h3>
      {saved ? (
        <div className="io-line" data-testid="recipe-outputs">
          {outputs.map((d) => (
            <Link key={d.id} href={`/projects/${projectId}/datasets/${d.id}`} className="io-chip">
              <TableIcon size={14} />
              {d.name}
            </Link>
          ))}
        </div>
      ) : kind === "split" ? (
        <div className="field-hint">One dataset per output: name them under Outputs.</div>
      ) : (
        <>
          <Input
            aria-label="Output dataset name"
            data-testid="output-name"
            value={output}
            maxLength={128}
            aria-invalid={taken.has(output.trim()) || undefined}
            onChange={(e) => onOutput(e.target.value)}
          />
          {taken.has(output.trim()) ? (
            <div className="field-error" role="alert">
              A dataset or recipe named {output.trim()} already exists.
            </div>
          ) : (
            <div className="field-hint">A new dataset, built when you run the recipe.</div>
          )}
        </>
      )}
    </section>
  );
}
