import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  type Caller,
  call,
  hasStudio,
  loginAs,
  studioUrl,
  uniqueKey,
  withApiKey,
} from "./api-client.ts";

// SameSite=Lax alone let a foreign page's text/plain POST create a project and an API key with
// the victim's session cookie. Cookie requests that change state must come from the studio's own
// origin and, when they carry JSON, say so; API keys (never sent by a browser on its own) are not
// affected.
describe.skipIf(!hasStudio)("cross-site request forgery", () => {
  let session: Caller;
  let key: Caller;
  const evil = "https://evil.example";

  beforeAll(async () => {
    session = await loginAs(admin.email, admin.password);
    key = await withApiKey(session);
  });

  const keyCount = async () => (await call("/me/api-keys", { as: session })).data.length as number;

  it("refuses a cookie request from a foreign origin with a text/plain body (the reported attack)", async () => {
    const before = await keyCount();
    for (const path of ["/me/api-keys", "/projects"]) {
      const r = await call(path, {
        method: "POST",
        body: JSON.stringify({ name: "pwned", key: uniqueKey("PW") }),
        headers: { origin: evil, "content-type": "text/plain;charset=UTF-8" },
        as: session,
      });
      expect(r.status).toBe(403);
      expect(r.data.error.code).toBe("forbidden");
      expect(r.data.error.message).toMatch(/came from https:\/\/evil\.example/);
    }
    expect(await keyCount()).toBe(before);
  });

  it("refuses a foreign origin even with a JSON body, a foreign Referer, and Origin: null", async () => {
    const json = JSON.stringify({ key: uniqueKey("X"), name: "X" });
    const cases: Record<string, string>[] = [
      { origin: evil },
      { referer: `${evil}/page` },
      { origin: "null" },
    ];
    for (const headers of cases) {
      const r = await call("/projects", {
        method: "POST",
        body: json,
        headers: { ...headers, "content-type": "application/json" },
        as: session,
      });
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
    const del = await call("/me/api-keys/nope", { method: "DELETE", headers: { origin: evil }, as: session });
    expect(del.status).toBe(403);
    // Signing a victim into the attacker's account is refused too.
    const login = await call("/auth/login", {
      method: "POST",
      json: { email: admin.email, password: admin.password },
      headers: { origin: evil },
    });
    expect(login.status).toBe(403);
  });

  it("requires a JSON content type on cookie requests with a JSON body", async () => {
    const body = JSON.stringify({ key: uniqueKey("T"), name: "T" });
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const r = await call("/projects", {
        method: "POST",
        body,
        headers: { "content-type": type },
        as: session,
      });
      expect(r.status, type).toBe(415);
      expect(r.data.error.code).toBe("unsupported_media_type");
      expect(r.data.error.message).toMatch(/Content-Type: application\/json/);
    }
    const none = await fetch(`${studioUrl}/api/v1/projects`, {
      method: "POST",
      headers: session.headers,
      body: new Blob([body]),
    });
    expect(none.status).toBe(415);
  });

  it("accepts the studio's own origin, reads stay open, and API keys are not affected", async () => {
    const own = await call("/projects", {
      method: "POST",
      json: { key: uniqueKey("OK"), name: "Own origin" },
      headers: { origin: studioUrl, referer: `${studioUrl}/projects` },
      as: session,
    });
    expect(own.status).toBe(201);
    expect((await call("/projects", { headers: { origin: evil }, as: session })).status).toBe(200);
    // Uploads keep their file content types, from the studio's pages.
    const up = await call(`/projects/${own.data.id}/datasets?name=csrf_csv`, {
      method: "POST",
      body: "a,b\n1,2\n",
      headers: { origin: studioUrl, "content-type": "text/csv" },
      as: session,
    });
    expect(up.status).toBe(201);
    const foreignUpload = await call(`/projects/${own.data.id}/datasets?name=csrf_csv2`, {
      method: "POST",
      body: "a,b\n1,2\n",
      headers: { origin: evil, "content-type": "text/plain" },
      as: session,
    });
    expect(foreignUpload.status).toBe(403);
    const withKey = await call("/projects", {
      method: "POST",
      body: JSON.stringify({ key: uniqueKey("K"), name: "Key" }),
      headers: { origin: evil, "content-type": "text/plain" },
      as: key,
    });
    expect(withKey.status).toBe(201);
  });
});
