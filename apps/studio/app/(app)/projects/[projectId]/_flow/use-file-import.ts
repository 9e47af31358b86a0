"use client";

import { type DragEvent, useRef, useState } from "react";
import { toObjectName } from "@/ui/recipe-kinds.ts";

/**
 * Getting a file into the import dialog: from the hidden file input (the Upload buttons click it)
 * or dropped on the canvas. A file opens the import dialog (detected options, editable,
 * previewed); it imports from there.
 */
export function useFileImport(canEdit: boolean) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [dragOver, setDragOver] = useState(false);
  const [importFile, setImportFile] = useState<File | null>(null);

  function upload(file: File) {
    setUploadError(null);
    setImportFile(file);
    // Cleared so that picking the same file again still fires a change.
    if (fileInput.current) fileInput.current.value = "";
  }

  function onDragOver(e: DragEvent) {
    if (!canEdit || !e.dataTransfer.types.includes("Files")) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    if (!dragOver) setDragOver(true);
  }
  function onDragLeave(e: DragEvent) {
    // Moving over a child of the canvas also fires dragleave: only leaving the canvas counts.
    if (!e.currentTarget.contains(e.relatedTarget as globalThis.Node | null)) setDragOver(false);
  }
  function onDrop(e: DragEvent) {
    if (!canEdit || !e.dataTransfer.types.includes("Files")) return;
    e.preventDefault();
    setDragOver(false);
    const file = e.dataTransfer.files[0];
    if (file) upload(file);
  }

  return {
    fileInput,
    pickFile: () => fileInput.current?.click(),
    upload,
    uploadError,
    dismissUploadError: () => setUploadError(null),
    dragOver,
    onDragOver,
    onDragLeave,
    onDrop,
    importFile,
    closeImport: () => setImportFile(null),
  };
}

/** "sales 2024.csv" -> "sales 2024", made unique among existing names. */
export function datasetNameFor(fileName: string, taken: ReadonlySet<string>): string {
  const base = toObjectName(fileName.replace(/\.[^.]+$/, ""));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}
