import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, SecretBoxError } from "./secret-box.ts";

const key = () => randomBytes(32).toString("base64");

describe("createSecretBox", () => {
  it("round-trips a secret and never stores it in clear", () => {
    const box = createSecretBox(key());
    const sealed = box.seal("dapi-0123456789abcdef", "conn-1");
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain("dapi");
    expect(box.open(sealed, "conn-1")).toBe("dapi-0123456789abcdef");
  });

  it("uses a fresh IV each time", () => {
    const box = createSecretBox(key());
    expect(box.seal("same", "c")).not.toBe(box.seal("same", "c"));
  });

  it("refuses another context, another key, and tampered data", () => {
    const box = createSecretBox(key());
    const sealed = box.seal("token", "conn-1");
    expect(() => box.open(sealed, "conn-2")).toThrow(SecretBoxError);
    expect(() => createSecretBox(key()).open(sealed, "conn-1")).toThrow(SecretBoxError);
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3] ?? "", "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    parts[3] = flipped.toString("base64url");
    expect(() => box.open(parts.join("."), "conn-1")).toThrow(SecretBoxError);
  });

  it("rejects a key of the wrong size", () => {
    expect(() => createSecretBox(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });
});
