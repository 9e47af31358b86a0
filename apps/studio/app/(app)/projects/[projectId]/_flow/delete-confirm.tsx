"use client";

import type { ReactNode } from "react";
import { Button } from "@/ui/button.tsx";

/** The side panel's delete confirmation: what goes, what stays, then Delete or Cancel. */
export function DeleteConfirm({
  label,
  name,
  testId,
  confirmLabel,
  confirmTestId,
  confirmTitle,
  busy,
  onConfirm,
  onCancel,
  children,
}: {
  /** The dialog's accessible name, e.g. "Delete the dataset?". */
  label: string;
  /** What is deleted, named in the bold first line. */
  name: string;
  testId: string;
  confirmLabel: string;
  confirmTestId: string;
  confirmTitle?: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** What the delete does to the rest of the Flow. */
  children: ReactNode;
}) {
  return (
    <div className="confirm-box" role="alertdialog" aria-label={label} data-testid={testId}>
      <strong>Delete {name}?</strong>
      {children}
      <div className="side-actions">
        <Button
          variant="danger"
          loading={busy}
          onClick={onConfirm}
          data-testid={confirmTestId}
          title={confirmTitle}
        >
          {confirmLabel}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
