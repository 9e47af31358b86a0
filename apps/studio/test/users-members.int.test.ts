import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, type Caller, call, hasStudio, loginAs, uniqueKey, withApiKey } from "./api-client.ts";

// Who may manage users and project members, against the real studio: administrators manage
// accounts (disable, re-role, reset passwords), project owners manage members, editors and
// viewers only read the list, non-members see nothing; and neither the studio's last active
// administrator nor a project's last owner can be taken away (409).
const password = "a-long-password";

async function newUser(as: Caller, role: "ADMIN" | "USER" = "USER") {
  const email = `${uniqueKey("um").toLowerCase()}@example.com`;
  const r = await call("/admin/users", {
    method: "POST",
    json: { email, name: `User ${email}`, password, role },
    as,
  });
  expect(r.status).toBe(201);
  expect(r.data).toMatchObject({ email, role, disabled: false });
  return { id: r.data.id as string, email };
}

describe.skipIf(!hasStudio)("users administration", () => {
  let adminKey: Caller;
  let adminId = "";
  beforeAll(async () => {
    adminKey = await withApiKey(await loginAs(admin.email, admin.password));
    adminId = (await call("/me", { as: adminKey })).data.id;
  });
  const patch = (id: string, json: unknown, as: Caller) =>
    call(`/admin/users/${id}`, { method: "PATCH", json, as });
  const reset = (id: string, json: unknown, as: Caller) =>
    call(`/admin/users/${id}/password`, { method: "POST", json, as });

  it("is for administrators only: users get 403, anonymous callers 401", async () => {
    const u = await newUser(adminKey);
    const asUser = await withApiKey(await loginAs(u.email, password));
    expect((await call("/admin/users", { as: asUser })).status).toBe(403);
    expect((await patch(u.id, { role: "ADMIN" }, asUser)).status).toBe(403);
    expect((await reset(u.id, {}, asUser)).status).toBe(403);
    expect(
      (
        await call("/admin/users", {
          method: "POST",
          json: { email: "x@example.com", name: "X", password },
          as: asUser,
        })
      ).status,
    ).toBe(403);
    expect((await patch(u.id, { disabled: true }, { headers: {} })).status).toBe(401);
    // A user cannot make themselves an administrator either.
    expect((await call("/me", { as: asUser })).data.role).toBe("USER");
    const listed = (await call("/admin/users", { as: adminKey })).data.find(
      (x: { id: string }) => x.id === u.id,
    );
    expect(listed).toMatchObject({ email: u.email, role: "USER", disabled: false });
    expect(Number.isNaN(Date.parse(listed.createdAt))).toBe(false);
    expect((await patch(u.id, {}, adminKey)).status).toBe(400);
    expect((await patch("nobody0000000000000000000", { disabled: true }, adminKey)).status).toBe(404);
  });

  it("a disabled user's session and API key are refused at once; enabling brings the key back, not the session", async () => {
    const u = await newUser(adminKey);
    const session = await loginAs(u.email, password);
    const key = await withApiKey(session);
    expect((await call("/me", { as: session })).status).toBe(200);
    expect((await call("/me", { as: key })).status).toBe(200);

    const off = await patch(u.id, { disabled: true }, adminKey);
    expect(off.status).toBe(200);
    expect(off.data).toMatchObject({ id: u.id, disabled: true });
    expect((await call("/me", { as: session })).status).toBe(401);
    expect((await call("/me", { as: key })).status).toBe(401);
    expect((await call("/projects", { as: key })).status).toBe(401);
    const login = await call("/auth/login", { method: "POST", json: { email: u.email, password } });
    expect(login.status).toBe(403);
    expect(login.data.error.message).toMatch(/disabled/);
    // A wrong password still says only that: nothing about the account's state.
    const wrong = await call("/auth/login", {
      method: "POST",
      json: { email: u.email, password: "not-the-password" },
    });
    expect(wrong.status).toBe(401);

    const on = await patch(u.id, { disabled: false }, adminKey);
    expect(on.data.disabled).toBe(false);
    expect((await call("/me", { as: key })).status).toBe(200);
    expect((await call("/me", { as: session })).status).toBe(401);
    expect((await call("/me", { as: await loginAs(u.email, password) })).status).toBe(200);
  });

  it("resets a password: a generated one is returned once and stored hashed; the user's sessions end", async () => {
    const u = await newUser(adminKey);
    const s1 = await loginAs(u.email, password);
    const s2 = await loginAs(u.email, password);
    const key = await withApiKey(s1);
    const r = await reset(u.id, {}, adminKey);
    expect(r.status).toBe(200);
    expect(r.data.sessionsRevoked).toBe(2);
    const generated: string = r.data.generatedPassword;
    expect(generated).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect((await call("/me", { as: s1 })).status).toBe(401);
    expect((await call("/me", { as: s2 })).status).toBe(401);
    // API keys are not sessions: scripts keep working (disable the account to stop them).
    expect((await call("/me", { as: key })).status).toBe(200);
    expect((await call("/auth/login", { method: "POST", json: { email: u.email, password } })).status).toBe(
      401,
    );
    expect((await call("/me", { as: await loginAs(u.email, generated) })).status).toBe(200);

    const db = new pg.Client({ connectionString: process.env.SOUS_TEST_DATABASE_URL });
    await db.connect();
    try {
      const row = await db.query('SELECT "passwordHash" FROM "User" WHERE id = $1', [u.id]);
      const stored: string = row.rows[0].passwordHash;
      expect(stored.startsWith("scrypt$")).toBe(true);
      expect(stored).not.toContain(generated);
    } finally {
      await db.end();
    }

    const chosen = await reset(u.id, { password: "chosen-by-the-admin" }, adminKey);
    expect(chosen.data.generatedPassword).toBeNull();
    expect(chosen.data.sessionsRevoked).toBe(1);
    expect((await call("/me", { as: await loginAs(u.email, "chosen-by-the-admin") })).status).toBe(200);
    const short = await reset(u.id, { password: "short" }, adminKey);
    expect(short.status).toBe(400);
    expect(short.data.error.code).toBe("invalid_input");
  });

  it("an administrator resetting their own password keeps the session they use", async () => {
    const mine = await loginAs(admin.email, admin.password);
    const other = await loginAs(admin.email, admin.password);
    const r = await reset(adminId, { password: admin.password }, mine);
    expect(r.status).toBe(200);
    expect(r.data.sessionsRevoked).toBeGreaterThanOrEqual(1);
    expect((await call("/me", { as: mine })).status).toBe(200);
    expect((await call("/me", { as: other })).status).toBe(401);
  });

  it("never leaves the studio without an active administrator (409), counting disabled admins out", async () => {
    const activeAdmins = (await call("/admin/users", { as: adminKey })).data.filter(
      (x: { role: string; disabled: boolean }) => x.role === "ADMIN" && !x.disabled,
    );
    // Precondition of this test: the stack's setup admin is the only active one.
    expect(activeAdmins.map((x: { email: string }) => x.email)).toEqual([admin.email]);

    const demote = await patch(adminId, { role: "USER" }, adminKey);
    expect(demote.status).toBe(409);
    expect(demote.data.error.code).toBe("conflict");
    expect(demote.data.error.message).toMatch(/You are the last active administrator/);
    expect((await patch(adminId, { disabled: true }, adminKey)).status).toBe(409);

    // A second administrator who is disabled does not count.
    const b = await newUser(adminKey, "ADMIN");
    const bKey = await withApiKey(await loginAs(b.email, password));
    expect((await patch(b.id, { disabled: true }, adminKey)).status).toBe(200);
    expect((await patch(adminId, { role: "USER" }, adminKey)).status).toBe(409);
    expect((await patch(b.id, { disabled: false }, adminKey)).status).toBe(200);

    // With B active, B may demote the setup admin; then B is the last one and cannot leave.
    try {
      expect((await patch(adminId, { role: "USER" }, bKey)).status).toBe(200);
      expect((await call("/admin/users", { as: adminKey })).status).toBe(403);
      const self = await patch(b.id, { disabled: true }, bKey);
      expect(self.status).toBe(409);
      expect(self.data.error.message).toMatch(/make another user an administrator first/);
      expect((await patch(b.id, { role: "USER" }, bKey)).status).toBe(409);
    } finally {
      expect((await patch(adminId, { role: "ADMIN" }, bKey)).status).toBe(200);
    }
    expect((await patch(b.id, { role: "USER" }, adminKey)).data.role).toBe("USER");
  });
});

describe.skipIf(!hasStudio)("project members", () => {
  let adminKey: Caller;
  const as: Record<"owner" | "editor" | "viewer" | "outsider", Caller> = {} as never;
  const ids: Record<"owner" | "editor" | "viewer" | "outsider", { id: string; email: string }> = {} as never;
  let projectId = "";
  const members = (who: Caller) => call(`/projects/${projectId}/members`, { as: who });
  const put = (email: string, role: string, who: Caller) =>
    call(`/projects/${projectId}/members`, { method: "PUT", json: { email, role }, as: who });
  const remove = (userId: string, who: Caller) =>
    call(`/projects/${projectId}/members/${userId}`, { method: "DELETE", as: who });

  beforeAll(async () => {
    adminKey = await withApiKey(await loginAs(admin.email, admin.password));
    for (const k of ["owner", "editor", "viewer", "outsider"] as const) {
      ids[k] = await newUser(adminKey);
      as[k] = await withApiKey(await loginAs(ids[k].email, password));
    }
    const p = await call("/projects", {
      method: "POST",
      json: { key: uniqueKey("MEM"), name: "Members" },
      as: as.owner,
    });
    expect(p.status).toBe(201);
    projectId = p.data.id;
    expect((await put(ids.editor.email, "EDITOR", as.owner)).status).toBe(200);
    expect((await put(ids.viewer.email, "VIEWER", as.owner)).status).toBe(200);
  });

  it("members read the list (owners first); non-members get 404, anonymous callers 401", async () => {
    for (const who of [as.owner, as.editor, as.viewer, adminKey]) {
      const r = await members(who);
      expect(r.status).toBe(200);
      expect(r.data.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
        [ids.owner.email, "OWNER"],
        [ids.editor.email, "EDITOR"],
        [ids.viewer.email, "VIEWER"],
      ]);
    }
    expect((await members(as.outsider)).status).toBe(404);
    expect((await members({ headers: {} })).status).toBe(401);
  });

  it("only owners add, re-role and remove: editors and viewers get 403, non-members 404", async () => {
    for (const [who, status] of [
      [as.editor, 403],
      [as.viewer, 403],
      [as.outsider, 404],
    ] as const) {
      expect((await put(ids.outsider.email, "VIEWER", who)).status).toBe(status);
      expect((await put(ids.viewer.email, "OWNER", who)).status).toBe(status);
      expect((await remove(ids.viewer.id, who)).status).toBe(status);
    }
    expect((await members(as.owner)).data).toHaveLength(3);

    expect((await put(ids.viewer.email, "EDITOR", as.owner)).data).toEqual({
      email: ids.viewer.email,
      role: "EDITOR",
    });
    expect((await call(`/projects/${projectId}`, { as: as.viewer })).data.role).toBe("EDITOR");
    expect((await remove(ids.viewer.id, as.owner)).status).toBe(204);
    expect((await call(`/projects/${projectId}`, { as: as.viewer })).status).toBe(404);
    const again = await remove(ids.viewer.id, as.owner);
    expect(again.status).toBe(404);
    expect(again.data.error.message).toMatch(/not a member/);
    expect((await put(ids.viewer.email, "VIEWER", as.owner)).status).toBe(200);
  });

  it("a project never loses its last owner (409), whoever asks", async () => {
    const demote = await put(ids.owner.email, "EDITOR", as.owner);
    expect(demote.status).toBe(409);
    expect(demote.data.error.message).toMatch(/last owner of this project/);
    expect((await remove(ids.owner.id, as.owner)).status).toBe(409);
    // Administrators act as owners of every project, but are bound by the same rule.
    expect((await remove(ids.owner.id, adminKey)).status).toBe(409);
    expect((await members(as.owner)).data[0]).toMatchObject({ email: ids.owner.email, role: "OWNER" });

    // With a second owner, the first may step down, and then manages nothing.
    expect((await put(ids.editor.email, "OWNER", as.owner)).status).toBe(200);
    expect((await put(ids.owner.email, "VIEWER", as.owner)).status).toBe(200);
    expect((await put(ids.viewer.email, "EDITOR", as.owner)).status).toBe(403);
    expect((await remove(ids.owner.id, as.editor)).status).toBe(204);
    expect((await remove(ids.editor.id, as.editor)).status).toBe(409);
  });

  it("shows a disabled member as disabled, keeping their role", async () => {
    expect(
      (
        await call(`/admin/users/${ids.viewer.id}`, {
          method: "PATCH",
          json: { disabled: true },
          as: adminKey,
        })
      ).status,
    ).toBe(200);
    try {
      const m = (await members(adminKey)).data.find((x: { email: string }) => x.email === ids.viewer.email);
      expect(m).toMatchObject({ role: "VIEWER", disabled: true });
    } finally {
      await call(`/admin/users/${ids.viewer.id}`, {
        method: "PATCH",
        json: { disabled: false },
        as: adminKey,
      });
    }
  });
});

describe.skipIf(!hasStudio)("users and members in the OpenAPI document", () => {
  it("documents each new operation, from the same table the routes validate with", async () => {
    const paths = (await call("/openapi.json")).data.paths;
    expect(Object.keys(paths["/admin/users/{userId}"])).toEqual(["patch"]);
    expect(paths["/admin/users/{userId}/password"].post.summary).toMatch(/end their sessions/);
    expect(paths["/projects/{projectId}/members"].get).toBeDefined();
    expect(paths["/projects/{projectId}/members/{userId}"].delete.summary).toMatch(/last owner/);
    const body = paths["/admin/users/{userId}"].patch.requestBody.content["application/json"].schema;
    expect(Object.keys(body.properties).sort()).toEqual(["disabled", "role"]);
  });
});
