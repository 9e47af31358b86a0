"use client";

import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";
import { useHydrated } from "./use-hydrated.ts";

interface FieldProps {
  label: ReactNode;
  /** Help under the control; replaced by `error` when there is one. */
  hint?: ReactNode;
  error?: string | null;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  className?: string;
}

/** Label + control + hint/error, wired for screen readers (aria-describedby, aria-invalid). */
export function Field({ label, hint, error, children, className }: FieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div className={["field", className ?? ""].filter(Boolean).join(" ")}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, describedBy: note ? noteId : undefined, invalid: Boolean(error) })}
      {note ? (
        <div id={noteId} className={error ? "field-error" : "field-hint"} role={error ? "alert" : undefined}>
          {note}
        </div>
      ) : null}
    </div>
  );
}

export function Input({ className, disabled, ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  const hydrated = useHydrated();
  return (
    <input
      className={["input", className ?? ""].filter(Boolean).join(" ")}
      disabled={disabled || !hydrated}
      data-hydrating={hydrated ? undefined : true}
      {...rest}
    />
  );
}

export function Textarea({ className, disabled, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const hydrated = useHydrated();
  return (
    <textarea
      className={["input", "textarea", className ?? ""].filter(Boolean).join(" ")}
      disabled={disabled || !hydrated}
      data-hydrating={hydrated ? undefined : true}
      {...rest}
    />
  );
}

export function Select({ className, disabled, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  const hydrated = useHydrated();
  return (
    <select
      disabled={disabled || !hydrated}
      data-hydrating={hydrated ? undefined : true}
      className={["input", rest.multiple ? "select-multi" : "select", className ?? ""]
        .filter(Boolean)
        .join(" ")}
      {...rest}
    />
  );
}

export function Checkbox({ label, ...rest }: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode }) {
  return (
    <label className="checkbox">
      <input type="checkbox" {...rest} />
      <span>{label}</span>
    </label>
  );
}

/** An error from the server, shown next to the action that caused it. Space is not reserved: it appears under the buttons. */
export function FormError({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert" data-testid={testId}>
      {message}
    </div>
  );
}
