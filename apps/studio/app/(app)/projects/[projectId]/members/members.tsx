"use client";

import type { ProjectMember, ProjectRole } from "@sous/contracts";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button } from "@/ui/button.tsx";
import { FormError } from "@/ui/field.tsx";
import { formatDate } from "@/ui/format.ts";
import { PlusIcon, TrashIcon } from "@/ui/icons.tsx";
import { ModalDialog, ModalFoot } from "@/ui/modal-dialog.tsx";
import { Panel } from "@/ui/panel.tsx";
import { EmailRoleFields, RoleSelect } from "@/ui/person-fields.tsx";
import { useToast } from "@/ui/toast.tsx";
import { useFormSubmit } from "@/ui/use-form-submit.ts";

// A project's members. Owners add people by e-mail, change roles and remove members; everyone
// else sees the same list read-only. The API refuses to leave the project without an owner (409),
// and its message is shown on the row that asked.

const ROLE_LABEL: Record<ProjectRole, string> = { OWNER: "Owner", EDITOR: "Editor", VIEWER: "Viewer" };
const ROLES = (["VIEWER", "EDITOR", "OWNER"] as const).map((value) => ({ value, label: ROLE_LABEL[value] }));

export function Members({
  projectId,
  initialMembers,
  canEdit,
  yourRole,
  currentUserId,
  isAdmin,
}: {
  projectId: string;
  initialMembers: ProjectMember[];
  canEdit: boolean;
  yourRole: ProjectRole;
  currentUserId: string;
  isAdmin: boolean;
}) {
  const router = useRouter();
  const toast = useToast();
  const [members, setMembers] = useState(initialMembers);
  const [removing, setRemoving] = useState<ProjectMember | null>(null);

  async function reload(): Promise<ProjectMember[]> {
    const list = await apiCall("GET /projects/{projectId}/members", { params: { projectId } });
    setMembers(list);
    return list;
  }

  // A change to one's own access (demoted from owner, removed) changes what this page may show.
  function afterOwnChange(removed: boolean) {
    if (isAdmin) return;
    if (removed) router.push("/");
    else router.refresh();
  }

  return (
    <div className="stack-24">
      {canEdit ? (
        <Panel title="Add a member">
          <AddMemberForm
            projectId={projectId}
            isAdmin={isAdmin}
            onAdded={async (email, role) => {
              const list = await reload();
              const m = list.find((x) => x.email === email);
              // Non-admins are not told whether the e-mail has an account (the API answers the same).
              if (m) toast(`${m.name} is now ${ROLE_LABEL[role].toLowerCase()}.`, "success");
              else
                toast(
                  `Nothing to add for ${email}: if that person has no Sous account yet, ask an administrator to create it.`,
                  "info",
                );
            }}
          />
        </Panel>
      ) : (
        <p className="muted members-readonly" data-testid="members-readonly">
          You are {ROLE_LABEL[yourRole].toLowerCase()} in this project: only its owners change members.
        </p>
      )}
      <Panel title={`${members.length} member${members.length === 1 ? "" : "s"}`} className="flush-panel">
        <div className="table-scroll">
          <table className="data-table members-table" data-testid="members-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Added</th>
                {canEdit ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <MemberRow
                  key={m.userId}
                  member={m}
                  projectId={projectId}
                  canEdit={canEdit}
                  isYou={m.userId === currentUserId}
                  onChanged={(next) => {
                    setMembers((ms) => ms.map((x) => (x.userId === m.userId ? { ...x, role: next } : x)));
                    if (m.userId === currentUserId && next !== "OWNER") afterOwnChange(false);
                  }}
                  onRemove={() => setRemoving(m)}
                />
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      {removing ? (
        <RemoveDialog
          member={removing}
          projectId={projectId}
          isYou={removing.userId === currentUserId}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setMembers((ms) => ms.filter((x) => x.userId !== removing.userId));
            toast(`Removed ${removing.name} from the project.`, "success");
            if (removing.userId === currentUserId) afterOwnChange(true);
            setRemoving(null);
          }}
        />
      ) : null}
    </div>
  );
}

function AddMemberForm({
  projectId,
  isAdmin,
  onAdded,
}: {
  projectId: string;
  isAdmin: boolean;
  onAdded: (email: string, role: ProjectRole) => Promise<void>;
}) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("VIEWER");
  const { busy, error, onSubmit } = useFormSubmit(
    async () => {
      const r = await apiCall("PUT /projects/{projectId}/members", {
        params: { projectId },
        body: { email, role },
      });
      await onAdded(r.email, r.role);
      setEmail("");
    },
    { afterSuccess: "ready" },
  );

  return (
    <form onSubmit={onSubmit} aria-label="Add a member" className="form-stack">
      <div className="members-add">
        <EmailRoleFields
          email={email}
          onEmail={setEmail}
          emailTestId="member-email"
          emailHint={
            isAdmin
              ? "The person needs a Sous account: create it under Users first."
              : "The person needs a Sous account; an administrator creates accounts."
          }
          role={role}
          onRole={setRole}
          roles={ROLES}
          roleTestId="member-role"
        />
        <Button type="submit" variant="primary" icon={<PlusIcon />} loading={busy} data-testid="add-member">
          Add member
        </Button>
      </div>
      <FormError message={error} testId="add-member-error" />
    </form>
  );
}

function MemberRow({
  member: m,
  projectId,
  canEdit,
  isYou,
  onChanged,
  onRemove,
}: {
  member: ProjectMember;
  projectId: string;
  canEdit: boolean;
  isYou: boolean;
  onChanged: (role: ProjectRole) => void;
  onRemove: () => void;
}) {
  const {
    busy,
    error,
    run: changeRole,
  } = useFormSubmit(
    async (role: ProjectRole) => {
      await apiCall("PUT /projects/{projectId}/members", {
        params: { projectId },
        body: { email: m.email, role },
      });
      onChanged(role);
    },
    { afterSuccess: "ready" },
  );

  return (
    <>
      <tr data-testid={`member-row-${m.email}`} data-role={m.role}>
        <td>
          {m.name}
          {isYou ? <span className="members-you">(you)</span> : null}
          {m.disabled ? (
            <>
              {" "}
              <Badge tone="danger">Disabled</Badge>
            </>
          ) : null}
        </td>
        <td>{m.email}</td>
        <td>
          {canEdit ? (
            <RoleSelect
              ariaLabel={`Role of ${m.email}`}
              testId="member-role-select"
              roles={ROLES}
              value={m.role}
              disabled={busy}
              onChange={(role) => void changeRole(role)}
            />
          ) : (
            <Badge tone={m.role === "OWNER" ? "accent" : "neutral"} testId="member-role-badge">
              {ROLE_LABEL[m.role]}
            </Badge>
          )}
        </td>
        <td>{formatDate(m.addedAt)}</td>
        {canEdit ? (
          <td>
            <div className="members-actions">
              <Button
                size="sm"
                variant="ghost"
                icon={<TrashIcon size={14} />}
                onClick={onRemove}
                disabled={busy}
                data-testid="remove-member"
                aria-label={`Remove ${m.email}`}
              >
                Remove
              </Button>
            </div>
          </td>
        ) : null}
      </tr>
      {/* A refusal (the last owner) spans the row below the one that asked, readable at full width. */}
      {error ? (
        <tr className="members-error-row">
          <td colSpan={canEdit ? 5 : 4}>
            <FormError message={error} testId={`member-row-error-${m.email}`} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function RemoveDialog({
  member,
  projectId,
  isYou,
  onClose,
  onRemoved,
}: {
  member: ProjectMember;
  projectId: string;
  isYou: boolean;
  onClose: () => void;
  onRemoved: () => void;
}) {
  // Stays busy after success: the dialog closes.
  const { busy, error, run } = useFormSubmit(async () => {
    await apiCall("DELETE /projects/{projectId}/members/{userId}", {
      params: { projectId, userId: member.userId },
    });
    onRemoved();
  });
  return (
    <ModalDialog
      title={isYou ? "Leave this project?" : `Remove ${member.name}?`}
      subtitle={member.email}
      busy={busy}
      onClose={onClose}
      testId="remove-member-dialog"
    >
      <div className="modal-body">
        <p>
          {isYou
            ? "You lose access to this project at once; an owner can add you again."
            : `${member.name} loses access to this project at once: its datasets, recipes and jobs stay. An owner can add them again.`}
        </p>
      </div>
      <ModalFoot error={error} errorTestId="remove-member-error" busy={busy} onCancel={onClose}>
        <Button
          variant="danger"
          loading={busy}
          data-testid="confirm-remove-member"
          onClick={() => void run()}
        >
          {isYou ? "Leave project" : "Remove"}
        </Button>
      </ModalFoot>
    </ModalDialog>
  );
}
