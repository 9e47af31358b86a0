import type { ReactNode } from "react";
import type { RecipePreview } from "@/shared/api/recipe-preview-schemas.ts";
import type { Col } from "@/ui/columns.tsx";
import type { PreviewState } from "./use-preview.ts";

/** What every kind's settings form gets. */
export interface FormProps<P> {
  params: P;
  /** Records an edit (one undo step; edits with the same `key` in a quick row merge). */
  set: (next: P, key?: string) => void;
  /** The recipe's inputs, in order, with their columns (empty when unknown). */
  inputs: { id: string; name: string; columns: Col[] }[];
  /** Engine badges of a compiled step (`params.aggregations.0`...), or nothing. */
  step: (id: string) => ReactNode;
  readOnly: boolean;
  /** Loads the distinct values of a column of the first input from its sample (pivot). */
  distinctValues: (column: string) => Promise<(string | number | boolean | null)[]>;
  /** The last preview of the whole draft (prepare: per-step schemas and engines). */
  preview?: RecipePreview | null;
  /** The last preview's error (a SQL recipe underlines the compiler's problems). */
  previewError?: PreviewState["error"];
  /** Prepare: the step whose result the table shows (null: after every step). */
  asOf?: string | null;
  setAsOf?: (stepId: string | null) => void;
  /**
   * Recipes with several outputs (split): the outputs' dataset names, in order. `set` changes the
   * params, the names and the dataset ids together (one undo step); null when they cannot change.
   */
  outputs?: {
    names: string[];
    /** Per output, the dataset it already writes (a saved recipe's) or null for a new one. */
    ids: (string | null)[];
    /** Datasets the saved recipe writes that the draft no longer does (they stay, unlinked). */
    dropped: string[];
    set: ((params: P, names: string[], ids: (string | null)[], key?: string) => void) | null;
    /** Names already used in the project (a new output cannot take one). */
    taken: ReadonlySet<string>;
    /** The output the preview shows, and how to pick another. */
    previewed: number;
    preview: (i: number) => void;
  };
}
