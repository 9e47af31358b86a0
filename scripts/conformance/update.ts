import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import type { RecordedCheck } from "./recorded.ts";
import type { Row } from "./types.ts";

/**
 * `-u`: rewrites the recorded expectations that disagree with Spark from Spark's own output:
 * ANSI-off rows as the expectation, the ANSI-on error class beside it (`sparkAnsiOnError` in
 * fixtures, `ansiOnError` in formula cases). Types and column names are not rewritten: when
 * they differ, the compiler's declared schema is what is wrong. Returns the files written.
 */
const root = path.resolve(import.meta.dirname, "../..");
const FORMULA_CASES_FILE = path.join(root, "packages/compiler/test/formula-cases.ts");

export async function updateRecorded(
  checks: RecordedCheck[],
  formulaFile = FORMULA_CASES_FILE,
): Promise<string[]> {
  const todo = checks.filter((k) => k.disagreement && k.rows);
  const byFile = new Map<string, RecordedCheck[]>();
  const formula: RecordedCheck[] = [];
  const tracked = (file: string) =>
    spawnSync("git", ["ls-files", "--", file], { cwd: root, encoding: "utf8" }).stdout.trim() !== "";
  for (const k of todo) {
    const e = k.c.recorded!.expectation;
    if (e.kind === "formula") formula.push(k);
    // A fixture someone is still writing (not committed yet) is theirs to fill.
    else if (!tracked(e.file)) continue;
    else byFile.set(e.file, [...(byFile.get(e.file) ?? []), k]);
  }
  const written: string[] = [];
  for (const [file, ks] of byFile) {
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & {
      expected: Record<string, unknown> & { outputs?: Record<string, unknown>[]; columns?: string[] };
    };
    for (const k of ks) {
      const e = k.c.recorded!.expectation;
      const rows = k.rows!;
      if (e.kind === "golden") setRows(json.expected, rows, k.ansiOnError);
      else if (e.kind === "split") setRows(json.expected.outputs![e.output]!, rows, k.ansiOnError);
      else if (e.kind === "prepare") {
        const names = (json.expected.columns ?? []).map((c) => c.slice(0, c.lastIndexOf(":")));
        setRows(
          json.expected,
          rows.map((r) => names.map((n) => r[n] ?? null)),
          k.ansiOnError,
        );
      }
    }
    writeFileSync(file, `${compactJson(json)}\n`);
    written.push(file);
  }
  if (formula.length > 0) {
    await rewriteFormulaCases(formula, formulaFile);
    written.push(formulaFile);
  }
  if (written.length > 0)
    spawnSync("pnpm", ["exec", "biome", "format", "--write", ...written], { cwd: root, stdio: "ignore" });
  return written;
}

/** JSON as the fixtures are written: what fits in 100 columns on one line, the rest indented by 2. */
function compactJson(v: unknown, indent = 0): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  const entries = Array.isArray(v)
    ? v.map((x) => compactJson(x, indent + 2))
    : Object.entries(v as Record<string, unknown>).map(
        ([k, x]) => `${JSON.stringify(k)}: ${compactJson(x, indent + 2)}`,
      );
  if (entries.length === 0) return Array.isArray(v) ? "[]" : "{}";
  const inline = Array.isArray(v) ? `[${entries.join(", ")}]` : `{ ${entries.join(", ")} }`;
  if (!inline.includes("\n") && indent + inline.length <= 96) return inline;
  const pad = " ".repeat(indent + 2);
  const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${entries.map((e) => `${pad}${e}`).join(",\n")}\n${" ".repeat(indent)}${close}`;
}

function setRows(target: Record<string, unknown>, rows: unknown[], ansiOnError: string | undefined) {
  target.rows = rows;
  if (ansiOnError) target.sparkAnsiOnError = ansiOnError;
  else delete target.sparkAnsiOnError;
}

/** A value as TypeScript source; integers past 2^53 as powers of two where exact (biome's noPrecisionLoss). */
function tsLiteral(v: unknown): string {
  if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)) {
    const k = Math.log2(Math.abs(v));
    if (Number.isInteger(k)) return v < 0 ? `-(2 ** ${k})` : `2 ** ${k}`;
    return `Number("${BigInt(v)}")`;
  }
  return JSON.stringify(v);
}

/**
 * Edits a formula-cases file in place through its syntax tree: each case's `expect` and
 * `ansiOnError`. Cases are found by formula and row, not by position, so the file may be another
 * version of formula-cases.ts (e.g. the committed one while someone edits the working copy).
 */
async function rewriteFormulaCases(checks: RecordedCheck[], file: string) {
  const { FORMULA_CASES } = (await import(
    pathToFileURL(file).href
  )) as typeof import("../../packages/compiler/test/formula-cases.ts");
  const key = (f: string, row: unknown) => JSON.stringify([f, row ?? {}]);
  const at = new Map<string, number>();
  for (const [i, fc] of FORMULA_CASES.entries()) if (!at.has(key(fc.f, fc.row))) at.set(key(fc.f, fc.row), i);
  let text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  let list: ts.ArrayLiteralExpression | undefined;
  sf.forEachChild((node) => {
    if (!ts.isVariableStatement(node)) return;
    for (const d of node.declarationList.declarations)
      if (
        ts.isIdentifier(d.name) &&
        d.name.text === "FORMULA_CASES" &&
        d.initializer &&
        ts.isArrayLiteralExpression(d.initializer)
      )
        list = d.initializer;
  });
  if (!list) throw new Error("FORMULA_CASES not found in formula-cases.ts");
  const edits: { start: number; end: number; text: string }[] = [];
  for (const k of checks) {
    const e = k.c.recorded!.expectation;
    if (e.kind !== "formula") continue;
    const index = at.get(key(e.formula, e.row));
    const obj = index === undefined ? undefined : list.elements[index];
    if (!obj || !ts.isObjectLiteralExpression(obj)) continue;
    const prop = (name: string) =>
      obj.properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sf) === name,
      );
    const expect = prop("expect");
    const v = (k.rows![0] as Row | undefined)?.v ?? null;
    if (expect)
      edits.push({
        start: expect.initializer.getStart(sf),
        end: expect.initializer.getEnd(),
        text: tsLiteral(v),
      });
    const err = prop("ansiOnError");
    if (err && k.ansiOnError)
      edits.push({
        start: err.initializer.getStart(sf),
        end: err.initializer.getEnd(),
        text: JSON.stringify(k.ansiOnError),
      });
    else if (err) {
      const from = text.lastIndexOf(",", err.getStart(sf));
      edits.push({ start: from, end: err.getEnd(), text: "" });
    } else if (k.ansiOnError && expect)
      edits.push({
        start: expect.getEnd(),
        end: expect.getEnd(),
        text: `, ansiOnError: ${JSON.stringify(k.ansiOnError)}`,
      });
  }
  for (const edit of edits.sort((a, b) => b.start - a.start))
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  writeFileSync(FORMULA_CASES_FILE, text);
}
