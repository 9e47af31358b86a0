import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, hasStudio, loginAs, studioUrl, uniqueKey } from "./api-client.ts";

// Sign-in is limited per account and per address (60 wrong passwords in 3 s used to go through,
// then the right one), the members API answers the same for every email, and pages carry
// security headers. Each test signs in "from" its own address (X-Forwarded-For, kept by Next when
// no proxy sets it) so the failures it provokes never lock out the other tests on 127.0.0.1.
describe.skipIf(!hasStudio)("sign-in limits", () => {
  let key: Caller;
  const password = "a-long-password";

  beforeAll(async () => {
    key = await adminKey();
  });

  async function newUser(): Promise<string> {
    const email = `${uniqueKey("lim").toLowerCase()}@example.com`;
    const r = await call("/admin/users", {
      method: "POST",
      json: { email, name: "Limited", password },
      as: key,
    });
    expect(r.status).toBe(201);
    return email;
  }
  const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
  const login = (email: string, pw: string, from: string) =>
    call("/auth/login", {
      method: "POST",
      json: { email, password: pw },
      headers: { "x-forwarded-for": from },
    });

  it("locks an account after 10 failures, even for the right password, with Retry-After", async () => {
    const email = await newUser();
    const from = address();
    // The reported attack, in parallel: only 10 guesses are checked.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => login(email, `guess-${i}`, from)));
    expect(burst.filter((r) => r.status === 401)).toHaveLength(10);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(10);
    const locked = await login(email, password, address());
    expect(locked.status).toBe(429);
    expect(locked.data.error.code).toBe("rate_limited");
    expect(locked.data.error.message).toMatch(/Too many failed sign-ins.*Try again in 15 minutes/);
    const retry = Number(locked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
  });

  it("counts failures only: a success resets the account, successes never lock", async () => {
    const email = await newUser();
    const from = address();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) expect((await login(email, "wrong", from)).status).toBe(401);
      expect((await login(email, password, from)).status).toBe(200);
    }
    for (let i = 0; i < 15; i++) expect((await login(email, password, from)).status).toBe(200);
  });

  it("treats unknown emails like known ones", async () => {
    const email = `${uniqueKey("nobody").toLowerCase()}@example.com`;
    const from = address();
    for (let i = 0; i < 10; i++) expect((await login(email, "wrong", from)).status).toBe(401);
    expect((await login(email, "wrong", from)).status).toBe(429);
  });

  it("limits an address to 50 failures over every account", async () => {
    const from = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const email = await newUser();
    for (let i = 0; i < 50; i++) {
      const r = await login(`${uniqueKey("spray").toLowerCase()}@example.com`, "wrong", from);
      expect(r.status).toBe(401);
    }
    const r = await login(email, password, from);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    // The account itself is not locked: from elsewhere it signs in.
    expect((await login(email, password, address())).status).toBe(200);
  });
});

describe.skipIf(!hasStudio)("members API", () => {
  it("answers the same whether or not an account has the email", async () => {
    const key = await adminKey();
    const ownerEmail = `${uniqueKey("own").toLowerCase()}@example.com`;
    const memberEmail = `${uniqueKey("mem").toLowerCase()}@example.com`;
    for (const email of [ownerEmail, memberEmail])
      await call("/admin/users", {
        method: "POST",
        json: { email, name: "U", password: "a-long-password" },
        as: key,
      });
    const owner = await loginAs(ownerEmail, "a-long-password");
    const project = (
      await call("/projects", {
        method: "POST",
        json: { key: uniqueKey("MB"), name: "Members" },
        headers: { origin: studioUrl },
        as: owner,
      })
    ).data;
    const put = (email: string) =>
      call(`/projects/${project.id}/members`, {
        method: "PUT",
        json: { email, role: "VIEWER" },
        headers: { origin: studioUrl },
        as: owner,
      });
    const known = await put(memberEmail);
    const unknown = await put(`${uniqueKey("ghost").toLowerCase()}@example.com`);
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(Object.keys(known.data).sort()).toEqual(Object.keys(unknown.data).sort());
    expect(known.data).not.toHaveProperty("userId");
    // The known one did join.
    const member = await loginAs(memberEmail, "a-long-password");
    expect((await call(`/projects/${project.id}`, { as: member })).data.role).toBe("VIEWER");
    // Administrators, who can list every user anyway, are told an email is unknown.
    const byAdmin = await call(`/projects/${project.id}/members`, {
      method: "PUT",
      json: { email: `${uniqueKey("ghost").toLowerCase()}@example.com`, role: "VIEWER" },
      as: key,
    });
    expect(byAdmin.status).toBe(404);
  });
});

describe.skipIf(!hasStudio)("security headers", () => {
  it("pages and API answers forbid framing and sniffing, with a content security policy", async () => {
    for (const path of ["/login", "/api/v1/openapi.json"]) {
      const r = await fetch(`${studioUrl}${path}`, { redirect: "manual" });
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
  });
});
