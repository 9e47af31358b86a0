"use client";

import { type DatasetInfo, type ImportSource, ObjectNameSchema } from "@sous/contracts";
import { type ReactNode, type RefObject, useRef, useState } from "react";
import { apiCall, errorMessage } from "./api.ts";
import { Button } from "./button.tsx";
import { Checkbox, Field, Input, Select } from "./field.tsx";
import { ModalDialog, ModalFoot } from "./modal-dialog.tsx";

// What the two import dialogs share: the file upload (import-dialog.tsx) and "Import from…" a
// connection or a storage folder (connection-import-dialog.tsx) both name a new dataset, ask
// POST .../datasets/import (or a re-import) for it, show its progress and refusal in the same
// footer, and offer the same CSV choices. Each dialog keeps only what its source needs.

/** The delimiters offered by name, in both dialogs. */
export const DELIMITERS: { value: string; label: string }[] = [
  { value: ",", label: "Comma ( , )" },
  { value: ";", label: "Semicolon ( ; )" },
  { value: "\t", label: "Tab" },
  { value: "|", label: "Pipe ( | )" },
];

/** Why `name` cannot name a new dataset (checked before asking the server), or null. */
export function checkDatasetName(name: string, taken: ReadonlySet<string> | undefined): string | null {
  if (name.trim() === "") return "Give the dataset a name.";
  const r = ObjectNameSchema.safeParse(name);
  if (!r.success) return `Name: ${r.error.issues[0]?.message ?? "not allowed"}.`;
  if (taken?.has(r.data)) return `A dataset named ${r.data} already exists in this project.`;
  return null;
}

/** `base`, or `base_2`, `base_3`… : the first one not taken. */
export function freeDatasetName(base: string, taken: ReadonlySet<string> | undefined): string {
  if (!taken?.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** A new dataset from `source`, or the next version of `datasetId` (a re-import keeps its name). */
export function postImport(
  projectId: string,
  request: { name: string; source: ImportSource } | { datasetId: string; source: ImportSource },
): Promise<DatasetInfo> {
  return "datasetId" in request
    ? apiCall("POST /projects/{projectId}/datasets/{datasetId}/import", {
        params: { projectId, datasetId: request.datasetId },
        body: { source: request.source },
      })
    : apiCall("POST /projects/{projectId}/datasets/import", {
        params: { projectId },
        body: { name: request.name, source: request.source },
      });
}

export interface ImportRun {
  dialog: RefObject<HTMLDialogElement | null>;
  importing: boolean;
  importError: string | null;
  setImportError: (message: string | null) => void;
  /** Closes the dialog without importing. */
  close: () => void;
  /**
   * Runs `request`: busy meanwhile; on success the dialog closes and `onImported` gets the
   * dataset; a refusal is shown (as `explain` words it) and the form stays for another try.
   */
  run: (request: () => Promise<DatasetInfo>, explain?: (e: unknown) => string) => Promise<void>;
}

/** The import's progress and outcome, shared by both dialogs. */
export function useImportRun(onClose: () => void, onImported: (dataset: DatasetInfo) => void): ImportRun {
  const dialog = useRef<HTMLDialogElement>(null);
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);
  return {
    dialog,
    importing,
    importError,
    setImportError,
    close() {
      dialog.current?.close();
      onClose();
    },
    async run(request, explain = errorMessage) {
      setImporting(true);
      setImportError(null);
      try {
        const ds = await request();
        dialog.current?.close();
        onImported(ds);
      } catch (e) {
        setImportError(explain(e));
      } finally {
        setImporting(false);
      }
    },
  };
}

/** The modal around an import: closing it is "without importing", and it is busy while importing. */
export function ImportDialogFrame({
  run,
  title,
  subtitle,
  testId,
  className,
  children,
}: {
  run: ImportRun;
  title: ReactNode;
  subtitle: ReactNode;
  testId: string;
  className: string;
  children: ReactNode;
}) {
  return (
    <ModalDialog
      ref={run.dialog}
      title={title}
      subtitle={subtitle}
      busy={run.importing}
      onClose={run.close}
      testId={testId}
      className={className}
      closeLabel="Close without importing"
      focusSelf // not the close button: the form's first field takes focus
    >
      {children}
    </ModalDialog>
  );
}

/** The new dataset's name; its error is shown under it. */
export function DatasetNameField({
  value,
  onChange,
  error,
  testId,
}: {
  value: string;
  onChange: (name: string) => void;
  error: string | null;
  testId: string;
}) {
  return (
    <Field label="Dataset name" error={error}>
      {({ id, describedBy, invalid }) => (
        <Input
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          value={value}
          maxLength={128}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      )}
    </Field>
  );
}

/** The footer: the import's refusal, Cancel, and Import (`testIds` prefixes -error, -cancel, -submit). */
export function ImportFoot({
  run,
  canImport,
  title,
  testIds,
}: {
  run: ImportRun;
  canImport: boolean;
  /** Why Import is off, as its tooltip. */
  title?: string;
  testIds: string;
}) {
  return (
    <ModalFoot
      error={run.importError}
      errorTestId={`${testIds}-error`}
      busy={run.importing}
      onCancel={run.close}
      cancelTestId={`${testIds}-cancel`}
    >
      <Button
        type="submit"
        variant="primary"
        loading={run.importing}
        disabled={!canImport}
        title={title}
        data-testid={`${testIds}-submit`}
      >
        Import
      </Button>
    </ModalFoot>
  );
}

/** The delimiter picker: the named DELIMITERS between the dialog's own first and last choices. */
export function DelimiterSelect({
  id,
  value,
  onChange,
  first,
  last,
  testId,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  first?: { value: string; label: string };
  last?: { value: string; label: string };
  testId: string;
}) {
  return (
    <Select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {[...(first ? [first] : []), ...DELIMITERS, ...(last ? [last] : [])].map((d) => (
        <option key={d.label} value={d.value}>
          {d.label}
        </option>
      ))}
    </Select>
  );
}

/** "Skip bad lines": counted and left out instead of failing the import. */
export function SkipBadLinesCheckbox({
  checked,
  onChange,
  testId,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
}) {
  return (
    <Checkbox
      label="Skip bad lines"
      title="Leave out lines with the wrong number of fields or a value that does not fit its column's type, and count them"
      checked={checked}
      onChange={(e) => onChange(e.target.checked)}
      data-testid={testId}
    />
  );
}
