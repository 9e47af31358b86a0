"use client";

import { type FormEvent, useState } from "react";
import { errorMessage } from "./api.ts";

/**
 * A form's submit: busy while `action` runs, its failure shown as `error` (user-safe message).
 * On success busy stays on, since these forms navigate away and a second click must not resend.
 */
export function useFormSubmit(action: () => Promise<void>): {
  busy: boolean;
  error: string | null;
  onSubmit: (e: FormEvent) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return { busy, error, onSubmit };
}
