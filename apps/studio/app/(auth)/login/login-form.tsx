"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input } from "@/ui/field.tsx";
import { useFormSubmit } from "@/ui/use-form-submit.ts";

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, onSubmit } = useFormSubmit(async () => {
    await apiCall("POST /auth/login", { body: { email, password } });
    router.replace(next);
    router.refresh();
  });

  return (
    <form className="form-stack" onSubmit={onSubmit} aria-label="Sign in">
      <Field label="Email">
        {({ id }) => (
          <Input
            id={id}
            data-testid="login-email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <Field label="Password">
        {({ id }) => (
          <Input
            id={id}
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <FormError message={error} testId="login-error" />
      <Button type="submit" variant="primary" className="btn-block" loading={busy} data-testid="login-submit">
        Sign in
      </Button>
    </form>
  );
}
