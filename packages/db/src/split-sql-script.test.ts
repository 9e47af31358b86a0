import { describe, expect, it } from "vitest";
import { splitSqlScript } from "./split-sql-script.ts";

describe("splitSqlScript", () => {
  it("splits on semicolons between statements and drops empty and comment-only pieces", () => {
    expect(
      splitSqlScript('-- head\nCREATE TABLE "a" (x int);\n\nALTER TABLE "a" ADD y int;\n-- tail\n'),
    ).toEqual(['-- head\nCREATE TABLE "a" (x int)', 'ALTER TABLE "a" ADD y int']);
  });

  it("keeps a plpgsql body whole, with or without a dollar tag", () => {
    const fn =
      "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  PERFORM 1;\n  RETURN NULL;\nEND\n$$ LANGUAGE plpgsql";
    const tagged = "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql";
    expect(splitSqlScript(`${fn};\n${tagged};\nSELECT 2;`)).toEqual([fn, tagged, "SELECT 2"]);
  });

  it("ignores semicolons in strings, quoted names and comments", () => {
    const s = `INSERT INTO "t;x" VALUES ('a;b', 'it''s; fine') /* c; d */ -- e; f\n`;
    expect(splitSqlScript(`${s};SELECT 1`)).toEqual([s.trim(), "SELECT 1"]);
  });

  it("does not take a positional parameter for a dollar quote", () => {
    expect(splitSqlScript("SELECT $1; SELECT $2")).toEqual(["SELECT $1", "SELECT $2"]);
  });
});
