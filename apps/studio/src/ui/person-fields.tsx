"use client";

import type { ReactNode } from "react";
import { Field, Input, Select } from "./field.tsx";

// The e-mail and role of a person, as the Users admin (global role) and a project's Members
// (project role) ask for them: one markup, so both forms look and validate the same.

export interface RoleOption<R extends string> {
  value: R;
  label: string;
}

/** A role picker: in a form's Role field, or alone in a table row (then give it an aria-label). */
export function RoleSelect<R extends string>({
  roles,
  value,
  onChange,
  id,
  testId,
  ariaLabel,
  disabled,
}: {
  roles: readonly RoleOption<R>[];
  value: R;
  onChange: (role: R) => void;
  id?: string;
  testId: string;
  ariaLabel?: string;
  disabled?: boolean;
}) {
  return (
    <Select
      id={id}
      aria-label={ariaLabel}
      data-testid={testId}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value as R)}
    >
      {roles.map((r) => (
        <option key={r.value} value={r.value}>
          {r.label}
        </option>
      ))}
    </Select>
  );
}

/** The E-mail and Role fields of a form that names a person (an account, a member). */
export function EmailRoleFields<R extends string>({
  email,
  onEmail,
  emailTestId,
  emailHint,
  role,
  onRole,
  roles,
  roleTestId,
  between,
}: {
  email: string;
  onEmail: (email: string) => void;
  emailTestId: string;
  emailHint?: ReactNode;
  role: R;
  onRole: (role: R) => void;
  roles: readonly RoleOption<R>[];
  roleTestId: string;
  /** Fields that stand between the two (a new account's password). */
  between?: ReactNode;
}) {
  return (
    <>
      <Field label="E-mail" hint={emailHint}>
        {({ id, describedBy }) => (
          <Input
            id={id}
            type="email"
            required
            maxLength={254}
            aria-describedby={describedBy}
            data-testid={emailTestId}
            value={email}
            onChange={(e) => onEmail(e.target.value)}
          />
        )}
      </Field>
      {between}
      <Field label="Role">
        {({ id }) => <RoleSelect id={id} roles={roles} value={role} onChange={onRole} testId={roleTestId} />}
      </Field>
    </>
  );
}
