"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input } from "@/ui/field.tsx";
import { useFormSubmit } from "@/ui/use-form-submit.ts";

export function SetupForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, onSubmit } = useFormSubmit(async () => {
    await apiCall("POST /auth/setup", { body: { name, email, password } });
    // Setup creates the account only; sign in right away so the admin lands in the app.
    await apiCall("POST /auth/login", { body: { email, password } });
    router.replace("/");
    router.refresh();
  });

  return (
    <form className="form-stack" onSubmit={onSubmit} aria-label="Create administrator">
      <Field label="Your name">
        {({ id }) => (
          <Input
            id={id}
            data-testid="setup-name"
            autoComplete="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoFocus
          />
        )}
      </Field>
      <Field label="Email">
        {({ id }) => (
          <Input
            id={id}
            data-testid="setup-email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <Field label="Password" hint="At least 10 characters.">
        {({ id, describedBy }) => (
          <Input
            id={id}
            data-testid="setup-password"
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            aria-describedby={describedBy}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <FormError message={error} testId="setup-error" />
      <Button type="submit" variant="primary" className="btn-block" loading={busy} data-testid="setup-submit">
        Create administrator
      </Button>
    </form>
  );
}
