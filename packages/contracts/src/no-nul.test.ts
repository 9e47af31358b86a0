import { describe, expect, it } from "vitest";
import type { z } from "zod";
import * as contracts from "./index.ts";
import { FilterValueSchema, NUL_MESSAGE, RecipeSpecSchema } from "./index.ts";

// Postgres refuses a NUL character (U+0000) in text and JSON: a name, description, formula or
// filter value holding one was a 500 from the database. Every free-text string of an API body is
// refused by zod instead (a 400 that says so). These walk the schemas, so a field added later
// without the refinement fails here.

interface Def {
  type: string;
  [key: string]: unknown;
}
const def = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;

// Strings of several lengths, so min/max bounds alone cannot make a field look guarded.
const probes = ["\u0000", "a\u0000b", "ab\u0000cd", `${"a".repeat(20)}\u0000`, `${"a".repeat(300)}\u0000b`];
const refusesNul = (s: z.ZodType) => probes.every((p) => !s.safeParse(p).success);

/** Paths of the strings in `schema` that would accept a NUL character. */
function unguarded(schema: z.ZodType, path: string, seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const d = def(schema);
  const at = (s: unknown, p: string) => unguarded(s as z.ZodType, p, seen);
  switch (d.type) {
    case "string":
      return refusesNul(schema) ? [] : [path];
    case "object":
      return Object.entries(d.shape as Record<string, unknown>).flatMap(([k, v]) => at(v, `${path}.${k}`));
    case "array":
      return at(d.element, `${path}[]`);
    case "union": {
      const options = d.options as z.ZodType[];
      // A union of a string and other scalars (a filter value) is checked as a whole.
      if (options.some((o) => def(o).type === "string")) return refusesNul(schema) ? [] : [path];
      return options.flatMap((o, i) => at(o, `${path}|${i}`));
    }
    case "record":
      return [...at(d.keyType, `${path}{key}`), ...at(d.valueType, `${path}{}`)];
    case "intersection":
      return [...at(d.left, path), ...at(d.right, path)];
    case "tuple":
      return (d.items as unknown[]).flatMap((x, i) => at(x, `${path}[${i}]`));
    case "pipe":
      return [...at(d.in, path), ...at(d.out, path)];
    case "lazy":
      return at((d.getter as () => unknown)(), path);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return at(d.innerType, path);
    default:
      return [];
  }
}

// Secrets are hashed or encrypted before they are stored: any byte may be in them.
const SECRET = /\.(password|token|connectionString)$/;

describe("NUL characters in API bodies", () => {
  it("every string of a recipe spec refuses them (formulas, filter values, names, patterns)", () => {
    expect(unguarded(RecipeSpecSchema, "spec")).toEqual([]);
  });

  it("every free-text string of a request body or query refuses them", () => {
    const bodies = Object.entries(contracts).filter(
      ([name]) => /(Body|Query)Schema$/.test(name) && name !== "ErrorBodySchema", // an answer, not a request
    );
    expect(bodies.length).toBeGreaterThan(10);
    const open = bodies.flatMap(([name, s]) =>
      unguarded(s as z.ZodType, name).filter((p) => !SECRET.test(p)),
    );
    expect(open).toEqual([]);
  });

  it("says what is wrong and where", () => {
    const r = contracts.CreateRecipeBodySchema.safeParse({
      name: "r",
      inputs: ["d1"],
      output: { name: "out" },
      spec: {
        kind: "prepare",
        params: {
          steps: [{ id: "s1", type: "CreateColumnWithGREL", params: { output: "x", formula: "1\u0000" } }],
        },
      },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toContainEqual([
      "spec.params.steps.0.params.formula",
      NUL_MESSAGE,
    ]);
    expect(FilterValueSchema.safeParse("a\u0000").error?.issues[0]?.message).toBe(NUL_MESSAGE);
    expect(contracts.ObjectNameSchema.safeParse("a\u0000b").error?.issues.map((i) => i.message)).toEqual([
      NUL_MESSAGE,
    ]);
    expect(
      contracts.CreateProjectBodySchema.safeParse({ key: "AB", name: "ok", description: "x\u0000" }).success,
    ).toBe(false);
  });
});
