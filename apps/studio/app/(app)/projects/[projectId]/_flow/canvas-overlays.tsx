"use client";

import { Button } from "@/ui/button.tsx";
import { plural } from "@/ui/format.ts";
import { CloseIcon, UploadIcon } from "@/ui/icons.tsx";
import { EmptyState } from "@/ui/panel.tsx";

// What is drawn over the canvas, each shown only in its moment.

/** After Arrange: a way back that does not need the keyboard. */
export function ArrangeUndoBar({ onUndo, onDismiss }: { onUndo: () => void; onDismiss: () => void }) {
  return (
    <div className="flow-undo-bar" role="status" data-testid="arrange-undo-bar">
      <span>Arranged the Flow.</span>
      <button type="button" className="flow-undo-btn" onClick={onUndo} data-testid="arrange-undo">
        Undo
      </button>
      <kbd>Ctrl+Z</kbd>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon size={14} />
      </button>
    </div>
  );
}

/** Several nodes selected: the side panel shows one node only, so say what a drag will do. */
export function SelectionBar({ count }: { count: number }) {
  return (
    <div className="flow-selection-bar" data-testid="selection-bar" role="status">
      {plural(count, "node")} selected: drag one to move them together
    </div>
  );
}

export function FlowLegend({ savedModels }: { savedModels: boolean }) {
  return (
    <div className="flow-legend" aria-hidden="true">
      <span>
        <i className="legend-dataset" /> Dataset
      </span>
      <span>
        <i className="legend-recipe" /> Recipe
      </span>
      {savedModels ? (
        <span>
          <i className="legend-saved-model" /> Saved model
        </span>
      ) : null}
    </div>
  );
}

export function EmptyFlow({ canEdit, onUpload }: { canEdit: boolean; onUpload: () => void }) {
  return (
    <div className="flow-empty">
      <EmptyState
        icon={<UploadIcon size={24} />}
        title="This Flow is empty"
        testId="flow-empty"
        action={
          canEdit ? (
            <Button variant="primary" icon={<UploadIcon />} onClick={onUpload}>
              Upload a CSV file
            </Button>
          ) : null
        }
      >
        {canEdit
          ? "Upload a file (CSV, TSV, Parquet, JSON, Excel), or drop one here, to create your first dataset."
          : "Nobody has added data to this project yet."}
      </EmptyState>
    </div>
  );
}

export function DropOverlay() {
  return (
    <div className="drop-overlay">
      <div>
        <UploadIcon size={32} />
        Drop the file (CSV, TSV, Parquet, JSON, Excel) to import it as a dataset
      </div>
    </div>
  );
}
