"use client";

import { type FormEvent, useState } from "react";
import { errorMessage } from "./api.ts";

export interface FormSubmitOptions {
  /**
   * What `busy` does once `action` succeeds. "stay-busy" (the default) keeps it on: forms that
   * navigate away must not resend on a second click. "ready" turns it off: forms that stay on
   * the page (settings, create-and-list, a row's action) are used again.
   */
  afterSuccess?: "stay-busy" | "ready";
}

/**
 * A form's submit: busy while `action` runs, its failure shown as `error` (user-safe message).
 * `onSubmit` is for a form (its action reads the fields, so it is called with no arguments);
 * `run` is for a button or select whose action takes what it changes (a row's new role).
 */
export function useFormSubmit<A extends unknown[] = []>(
  action: (...args: A) => Promise<void>,
  options: FormSubmitOptions = {},
): {
  busy: boolean;
  error: string | null;
  onSubmit: (e: FormEvent) => Promise<void>;
  run: (...args: A) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = options.afterSuccess === "ready";

  async function run(...args: A) {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
      if (ready) setBusy(false);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    await run(...([] as unknown[] as A));
  }

  return { busy, error, onSubmit, run };
}
