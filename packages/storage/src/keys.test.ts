import { describe, expect, it } from "vitest";
import { InvalidStorageKeyError } from "./errors.ts";
import { normalizePrefix, validateKey } from "./keys.ts";

describe("validateKey", () => {
  it.each(["a", "projects/p/uploads/u/data.csv", "a/b c/d=1/part-0.snappy.parquet", "_SUCCESS", "a/.hidden"])(
    "accepts %j",
    (key) => {
      expect(validateKey(key)).toBe(key);
    },
  );

  it.each([
    "",
    "../x",
    "a/../../x",
    "a/..",
    "./a",
    "a/./b",
    "/etc/passwd",
    "a//b",
    "a/",
    "a\\b",
    "..\\..\\x",
    "a/\u0000b",
    "a/b\nc",
    ".sous/tmp/x",
    "x".repeat(1025),
  ])("rejects %j", (key) => {
    expect(() => validateKey(key)).toThrow(InvalidStorageKeyError);
  });
});

describe("normalizePrefix", () => {
  it("adds exactly one trailing slash", () => {
    expect(normalizePrefix("a/b")).toBe("a/b/");
    expect(normalizePrefix("a/b/")).toBe("a/b/");
  });

  it.each(["", "/", "a//", "a//b/", "../a/", "/abs/", "a\\b/", ".sous/"])("rejects %j", (prefix) => {
    expect(() => normalizePrefix(prefix)).toThrow(InvalidStorageKeyError);
  });
});
