import { AppError } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import { checkJsonContentType, checkSameOrigin } from "./csrf.ts";

const req = (method: string, headers: Record<string, string>) => ({ method, headers: new Headers(headers) });

function refusal(fn: () => void): AppError | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
}

describe("checkSameOrigin", () => {
  const host = { host: "sous.example.com", cookie: "sous_session=x" };

  it("lets same-origin, origin-less and safe requests through", () => {
    expect(
      refusal(() => checkSameOrigin(req("POST", { ...host, origin: "https://sous.example.com" }))),
    ).toBeNull();
    expect(
      refusal(() => checkSameOrigin(req("DELETE", { ...host, referer: "http://SOUS.example.com/x?y" }))),
    ).toBeNull();
    expect(refusal(() => checkSameOrigin(req("POST", host)))).toBeNull();
    expect(
      refusal(() => checkSameOrigin(req("GET", { ...host, origin: "https://evil.example" }))),
    ).toBeNull();
    // Behind a proxy that rewrote Host, the forwarded host is the one the browser saw.
    const proxied = { host: "127.0.0.1:3000", "x-forwarded-host": "sous.example.com" };
    expect(
      refusal(() => checkSameOrigin(req("PUT", { ...proxied, origin: "https://sous.example.com" }))),
    ).toBeNull();
  });

  it("refuses a foreign Origin, a foreign Referer, Origin: null and another port", () => {
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { referer: "https://evil.example/attack.html" },
      { origin: "null" },
      { origin: "https://sous.example.com:8443" },
      { origin: "https://sous.example.com.evil.example" },
      { origin: "https://evil.example", referer: "https://sous.example.com/" },
    ];
    for (const h of foreign) {
      const e = refusal(() => checkSameOrigin(req("POST", { ...host, ...h })));
      expect(e?.code, JSON.stringify(h)).toBe("forbidden");
      expect(e?.message).toMatch(/^Cross-site request refused: it came from .+, not from this studio\./);
    }
    expect(
      refusal(() => checkSameOrigin(req("POST", { ...host, origin: "https://evil.example" })))?.message,
    ).toMatch(/came from https:\/\/evil\.example,/);
  });

  it("leaves API-key requests alone", () => {
    const e = refusal(() =>
      checkSameOrigin(
        req("POST", { ...host, origin: "https://evil.example", authorization: "Bearer sous_abc" }),
      ),
    );
    expect(e).toBeNull();
  });
});

describe("checkJsonContentType", () => {
  it("accepts JSON types and an empty untyped body", () => {
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      "application/merge-patch+json",
    ])
      expect(refusal(() => checkJsonContentType(new Headers({ "content-type": type }), "{}"))).toBeNull();
    expect(refusal(() => checkJsonContentType(new Headers(), ""))).toBeNull();
  });

  it("refuses simple content types a foreign form can send, and an untyped body", () => {
    for (const type of [
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
    ]) {
      const e = refusal(() => checkJsonContentType(new Headers({ "content-type": type }), '{"a":1}'));
      expect(e?.code).toBe("unsupported_media_type");
      expect(e?.message).toMatch(/Content-Type: application\/json \(this one is /);
    }
    expect(refusal(() => checkJsonContentType(new Headers({ "content-type": "text/plain" }), ""))?.code).toBe(
      "unsupported_media_type",
    );
    expect(refusal(() => checkJsonContentType(new Headers(), '{"a":1}'))?.code).toBe(
      "unsupported_media_type",
    );
    expect(
      refusal(() =>
        checkJsonContentType(
          new Headers({ authorization: "Bearer sous_x", "content-type": "text/plain" }),
          "{}",
        ),
      ),
    ).toBeNull();
  });
});
