"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input, Textarea } from "@/ui/field.tsx";
import { PlusIcon } from "@/ui/icons.tsx";
import { useFormSubmit } from "@/ui/use-form-submit.ts";

/** CUSTOMER_ORDERS from "Customer orders": a key the API accepts, until the user types their own. */
function keyFromName(name: string): string {
  const k = name
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^[^A-Za-z]+/, "")
    .replace(/_+$/, "")
    .toUpperCase()
    .slice(0, 32);
  return k;
}

export function NewProjectForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [keyEdited, setKeyEdited] = useState(false);
  const [description, setDescription] = useState("");
  const { busy, error, onSubmit } = useFormSubmit(async () => {
    const p = await apiCall("POST /projects", { body: { key, name, description } });
    // A new project is empty: take the user straight to its Flow to add data.
    router.push(`/projects/${p.id}`);
  });

  return (
    <form className="form-stack" onSubmit={onSubmit} aria-label="New project">
      <Field label="Name">
        {({ id }) => (
          <Input
            id={id}
            data-testid="project-name"
            required
            maxLength={128}
            placeholder="Customer orders"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!keyEdited) setKey(keyFromName(e.target.value));
            }}
          />
        )}
      </Field>
      <Field label="Key" hint="2–32 letters, digits or _, starting with a letter.">
        {({ id, describedBy }) => (
          <Input
            id={id}
            data-testid="project-key"
            required
            className="mono"
            aria-describedby={describedBy}
            placeholder="CUSTOMER_ORDERS"
            value={key}
            onChange={(e) => {
              setKey(e.target.value.toUpperCase());
              setKeyEdited(true);
            }}
          />
        )}
      </Field>
      <Field label="Description (optional)">
        {({ id }) => (
          <Textarea
            id={id}
            data-testid="project-description"
            rows={3}
            maxLength={2000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <FormError message={error} testId="project-error" />
      <Button type="submit" variant="primary" loading={busy} icon={<PlusIcon />} data-testid="create-project">
        Create project
      </Button>
    </form>
  );
}
