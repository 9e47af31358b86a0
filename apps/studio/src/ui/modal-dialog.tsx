"use client";

import { type ReactNode, type Ref, useEffect, useId, useImperativeHandle, useRef } from "react";
import { Button } from "./button.tsx";
import { FormError } from "./field.tsx";
import { CloseIcon } from "./icons.tsx";
import "./modal-dialog.css";

// The chrome every modal of the studio shares: a native <dialog> opened with showModal() on
// mount, a head with the title and a Close button, Escape refused while a request runs. The
// owner mounts it to open it and unmounts it (from onClose) to close it. Bodies lay themselves
// out with .modal-body / .modal-form and end with a .modal-foot holding .modal-actions; a field
// marked data-autofocus gets the focus on opening.

export interface ModalDialogProps {
  title: ReactNode;
  /** A line under the title (what the dialog works on). */
  subtitle?: ReactNode;
  /** While a request runs, neither Escape nor the Close button closes the dialog. */
  busy: boolean;
  onClose: () => void;
  testId: string;
  /** A size variant or the dialog's own layout class (e.g. import-dialog, the wide one). */
  className?: string;
  /** The Close button's accessible name: say what closing gives up. */
  closeLabel?: string;
  /**
   * Focus the dialog itself on opening instead of its first control (the Close button), for
   * bodies that move the focus to their first field once it is ready.
   */
  focusSelf?: boolean;
  /** The <dialog> element, for owners that close it themselves or look inside it. */
  ref?: Ref<HTMLDialogElement | null>;
  children: ReactNode;
}

export function ModalDialog({
  title,
  subtitle,
  busy,
  onClose,
  testId,
  className,
  closeLabel = "Close",
  focusSelf = false,
  ref,
  children,
}: ModalDialogProps) {
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  useImperativeHandle<HTMLDialogElement | null, HTMLDialogElement | null>(ref, () => dialog.current, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: opened once, on mount
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    // showModal() focuses the first control (the Close button) after React's autoFocus ran:
    // give the focus back to the field that asked for it.
    if (focusSelf) d.focus();
    else d.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    // The dialog is removed, not closed, so the browser does not give the focus back: do it.
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className={className ? `modal-dialog ${className}` : "modal-dialog"}
      aria-labelledby={titleId}
      data-testid={testId}
      tabIndex={focusSelf ? -1 : undefined}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <div className="modal-head">
        <div>
          <h2 id={titleId}>{title}</h2>
          {subtitle != null ? <p className="muted small">{subtitle}</p> : null}
        </div>
        <button type="button" className="icon-btn" aria-label={closeLabel} onClick={onClose} disabled={busy}>
          <CloseIcon size={16} />
        </button>
      </div>
      {children}
    </dialog>
  );
}

/** A dialog's foot: the request's error, Cancel (off while it runs), then the dialog's actions. */
export function ModalFoot({
  error,
  errorTestId,
  busy,
  onCancel,
  cancelTestId,
  children,
}: {
  error: string | null;
  errorTestId: string;
  busy: boolean;
  onCancel: () => void;
  cancelTestId?: string;
  children: ReactNode;
}) {
  return (
    <div className="modal-foot">
      <FormError message={error} testId={errorTestId} />
      <div className="modal-actions">
        <Button onClick={onCancel} disabled={busy} data-testid={cancelTestId}>
          Cancel
        </Button>
        {children}
      </div>
    </div>
  );
}
