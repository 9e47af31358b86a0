"use client";

import { Button } from "@/ui/button.tsx";
import { Input } from "@/ui/field.tsx";

/** The side panel's inline rename: a name field and Save; Escape cancels. */
export function RenameForm({
  value,
  label,
  busy,
  inputTestId,
  saveTestId,
  onChange,
  onCancel,
  onSave,
}: {
  value: string;
  /** The field's accessible name, e.g. "New name of the dataset". */
  label: string;
  busy: boolean;
  inputTestId: string;
  saveTestId: string;
  onChange: (value: string) => void;
  onCancel: () => void;
  onSave: () => void;
}) {
  return (
    <form
      className="rename-row"
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <Input
        aria-label={label}
        data-testid={inputTestId}
        value={value}
        maxLength={128}
        autoFocus
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      />
      <Button type="submit" size="sm" variant="primary" loading={busy} data-testid={saveTestId}>
        Save
      </Button>
    </form>
  );
}
