"use client";

import type { AdminUser, ResetPasswordResultSchema } from "@sous/contracts";
import { useState } from "react";
import type { z } from "zod";
import { apiCall } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input } from "@/ui/field.tsx";
import { formatDate } from "@/ui/format.ts";
import { CheckIcon, CopyIcon, PlusIcon } from "@/ui/icons.tsx";
import { ModalDialog, ModalFoot } from "@/ui/modal-dialog.tsx";
import { Panel } from "@/ui/panel.tsx";
import { EmailRoleFields, RoleSelect } from "@/ui/person-fields.tsx";
import { useToast } from "@/ui/toast.tsx";
import { useFormSubmit } from "@/ui/use-form-submit.ts";

// Admin: create accounts, change the global role, disable/enable, reset a password. Every change
// goes through /api/v1/admin/users; its refusals (the last active administrator) are shown on the
// row that asked.

type Role = AdminUser["role"];
type ResetResult = z.infer<typeof ResetPasswordResultSchema>;
const ROLES = [
  { value: "USER", label: "User" },
  { value: "ADMIN", label: "Administrator" },
] as const satisfies readonly { value: Role; label: string }[];

export function UsersAdmin({
  initialUsers,
  currentUserId,
}: {
  initialUsers: AdminUser[];
  currentUserId: string;
}) {
  const [users, setUsers] = useState(initialUsers);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const replace = (u: AdminUser) => setUsers((us) => us.map((x) => (x.id === u.id ? u : x)));
  const active = users.filter((u) => !u.disabled).length;
  return (
    <div className="stack-24">
      <Panel title="New user">
        <CreateUserForm
          onCreated={(u) => setUsers((us) => [...us, u].sort((a, b) => a.email.localeCompare(b.email)))}
        />
      </Panel>
      <Panel
        title={`${users.length} user${users.length === 1 ? "" : "s"}${active < users.length ? `, ${users.length - active} disabled` : ""}`}
        className="flush-panel"
      >
        <div className="table-scroll">
          <table className="data-table users-table" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <UserRow
                  key={u.id}
                  user={u}
                  isYou={u.id === currentUserId}
                  onChange={replace}
                  onReset={() => setResetting(u)}
                />
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      {resetting ? (
        <ResetPasswordDialog
          user={resetting}
          isYou={resetting.id === currentUserId}
          onClose={() => setResetting(null)}
        />
      ) : null}
    </div>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (u: AdminUser) => void }) {
  const toast = useToast();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("USER");
  const { busy, error, onSubmit } = useFormSubmit(
    async () => {
      const u = await apiCall("POST /admin/users", { body: { name, email, password, role } });
      onCreated(u);
      toast(`Created ${u.email}. Add it to projects from their Members page.`, "success");
      setName("");
      setEmail("");
      setPassword("");
      setRole("USER");
    },
    { afterSuccess: "ready" },
  );

  return (
    <form onSubmit={onSubmit} aria-label="Create a user" className="form-stack">
      <div className="users-create">
        <Field label="Name">
          {({ id }) => (
            <Input
              id={id}
              data-testid="new-user-name"
              required
              maxLength={128}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <EmailRoleFields
          email={email}
          onEmail={setEmail}
          emailTestId="new-user-email"
          role={role}
          onRole={setRole}
          roles={ROLES}
          roleTestId="new-user-role"
          between={
            <Field label="Password" hint="At least 10 characters; tell it to the user.">
              {({ id, describedBy }) => (
                <Input
                  id={id}
                  type="password"
                  autoComplete="new-password"
                  data-testid="new-user-password"
                  required
                  minLength={10}
                  maxLength={256}
                  aria-describedby={describedBy}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              )}
            </Field>
          }
        />
        <Button type="submit" variant="primary" icon={<PlusIcon />} loading={busy} data-testid="create-user">
          Create user
        </Button>
      </div>
      <FormError message={error} testId="create-user-error" />
    </form>
  );
}

function UserRow({
  user: u,
  isYou,
  onChange,
  onReset,
}: {
  user: AdminUser;
  isYou: boolean;
  onChange: (u: AdminUser) => void;
  onReset: () => void;
}) {
  const toast = useToast();
  const [confirmDisable, setConfirmDisable] = useState(false);
  // Which change is under way: its button shows the spinner, the others wait.
  const [what, setWhat] = useState<"role" | "status">("role");
  const patching = useFormSubmit(
    async (body: { role?: Role; disabled?: boolean }) => {
      const next = await apiCall("PATCH /admin/users/{userId}", { params: { userId: u.id }, body });
      onChange(next);
      setConfirmDisable(false);
      if (body.disabled !== undefined)
        toast(
          `${next.email} is ${next.disabled ? "disabled: signed out everywhere" : "enabled again"}.`,
          "success",
        );
    },
    { afterSuccess: "ready" },
  );
  const busy = patching.busy ? what : null;
  const error = patching.error;
  const patch = (body: { role?: Role; disabled?: boolean }, w: "role" | "status") => {
    setWhat(w);
    return patching.run(body);
  };

  return (
    <>
      <tr data-testid={`user-row-${u.email}`} className={u.disabled ? "users-disabled" : undefined}>
        <td>
          {u.name}
          {isYou ? <span className="users-you">(you)</span> : null}
        </td>
        <td>{u.email}</td>
        <td>
          <RoleSelect
            ariaLabel={`Role of ${u.email}`}
            testId="user-role"
            roles={ROLES}
            value={u.role}
            disabled={busy !== null}
            onChange={(role) => void patch({ role }, "role")}
          />
        </td>
        <td>
          <Badge tone={u.disabled ? "danger" : "success"} testId="user-status">
            {u.disabled ? "Disabled" : "Active"}
          </Badge>
        </td>
        <td>{formatDate(u.createdAt)}</td>
        <td>
          <div className="users-actions">
            <Button
              size="sm"
              variant="ghost"
              onClick={onReset}
              data-testid="reset-password"
              disabled={busy !== null}
            >
              Reset password
            </Button>
            {u.disabled ? (
              <Button
                size="sm"
                loading={busy === "status"}
                onClick={() => void patch({ disabled: false }, "status")}
                data-testid="enable-user"
              >
                Enable
              </Button>
            ) : confirmDisable ? (
              <>
                <Button
                  size="sm"
                  variant="danger"
                  loading={busy === "status"}
                  onClick={() => void patch({ disabled: true }, "status")}
                  data-testid="confirm-disable-user"
                  title="Ends the user's sessions; their API keys are refused until enabled again"
                >
                  Disable now
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => setConfirmDisable(false)}
                  disabled={busy !== null}
                >
                  Keep
                </Button>
              </>
            ) : (
              <Button
                size="sm"
                variant="danger"
                onClick={() => setConfirmDisable(true)}
                data-testid="disable-user"
                disabled={busy !== null}
              >
                Disable
              </Button>
            )}
          </div>
        </td>
      </tr>
      {/* A refusal (the last active administrator) spans the row below the one that asked. */}
      {error ? (
        <tr className="users-error-row">
          <td colSpan={6}>
            <FormError message={error} testId={`user-row-error-${u.email}`} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function ResetPasswordDialog({
  user,
  isYou,
  onClose,
}: {
  user: AdminUser;
  isYou: boolean;
  onClose: () => void;
}) {
  const [mode, setMode] = useState<"generate" | "set">("generate");
  const [password, setPassword] = useState("");
  const [result, setResult] = useState<ResetResult | null>(null);
  const [copied, setCopied] = useState(false);

  const { busy, error, onSubmit } = useFormSubmit(
    async () => {
      const r = await apiCall("POST /admin/users/{userId}/password", {
        params: { userId: user.id },
        body: mode === "set" ? { password } : {},
      });
      setResult(r);
      setPassword("");
    },
    { afterSuccess: "ready" },
  );

  async function copy() {
    if (!result?.generatedPassword) return;
    try {
      await navigator.clipboard.writeText(result.generatedPassword);
      setCopied(true);
    } catch {
      // Clipboard access can be denied (http, permissions): the password stays selectable by hand.
      setCopied(false);
    }
  }

  const ended = result?.sessionsRevoked ?? 0;
  const sessions =
    ended === 0
      ? `${isYou ? "You had no other" : "There was no"} open session to end.`
      : `${ended} ${isYou ? "other " : ""}session${ended === 1 ? "" : "s"} ended${isYou ? "; this one stays" : ""}.`;
  return (
    <ModalDialog
      title="Reset password"
      subtitle={`${user.name} · ${user.email}`}
      busy={busy}
      onClose={onClose}
      testId="reset-password-dialog"
    >
      {result ? (
        <>
          <div className="modal-body">
            {result.generatedPassword ? (
              <div className="secret-box" data-testid="generated-password-box">
                <div>
                  <strong>Copy this password now.</strong> It is shown only once: Sous stores only its hash.
                  Give it to {user.name} through a channel you trust. {sessions}
                </div>
                <div className="secret-value">
                  <code data-testid="generated-password">{result.generatedPassword}</code>
                  <Button
                    icon={copied ? <CheckIcon /> : <CopyIcon />}
                    onClick={copy}
                    data-testid="copy-password"
                  >
                    {copied ? "Copied" : "Copy"}
                  </Button>
                </div>
              </div>
            ) : (
              <p data-testid="password-set">The new password is set. {sessions}</p>
            )}
          </div>
          <div className="modal-foot">
            <div className="modal-actions">
              <Button variant="primary" onClick={onClose} data-testid="reset-done">
                Done
              </Button>
            </div>
          </div>
        </>
      ) : (
        <form className="modal-form" onSubmit={onSubmit}>
          <div className="modal-body">
            <p className="muted">
              {isYou
                ? "Your other sessions end; this one stays."
                : `${user.name} is signed out everywhere and signs in again with the new password.`}{" "}
              API keys keep working.
            </p>
            <fieldset className="reset-choice">
              <legend className="sr-only">New password</legend>
              <label>
                <input
                  type="radio"
                  name="reset-mode"
                  checked={mode === "generate"}
                  onChange={() => setMode("generate")}
                  data-testid="reset-generate"
                />
                Generate a password and show it once
              </label>
              <label>
                <input
                  type="radio"
                  name="reset-mode"
                  checked={mode === "set"}
                  onChange={() => setMode("set")}
                  data-testid="reset-set"
                />
                Set a password
              </label>
            </fieldset>
            {mode === "set" ? (
              <Field label="New password" hint="At least 10 characters.">
                {({ id, describedBy }) => (
                  <Input
                    id={id}
                    type="password"
                    autoComplete="new-password"
                    data-autofocus
                    required
                    minLength={10}
                    maxLength={256}
                    aria-describedby={describedBy}
                    data-testid="reset-password-input"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                  />
                )}
              </Field>
            ) : null}
          </div>
          <ModalFoot error={error} errorTestId="reset-error" busy={busy} onCancel={onClose}>
            <Button type="submit" variant="danger" loading={busy} data-testid="reset-submit">
              Reset password
            </Button>
          </ModalFoot>
        </form>
      )}
    </ModalDialog>
  );
}
