import { type RecipeKind, RecipeSpecSchema } from "@sous/contracts";
import { describe, expect, it } from "vitest";
import {
  isRecipeKind,
  RECIPE_KIND_REGISTRY,
  RECIPE_KINDS,
  type RecipeKindEntry,
  type RecipeKindRegistry,
  recipeKindInfo,
  recipeKindLabel,
  toObjectName,
} from "./recipe-kinds.ts";

// The kinds the contract accepts, read from the schema itself rather than from a list kept by hand.
const contractKinds = RecipeSpecSchema.options.map((o) => o.shape.kind.value);

describe("recipe kind registry", () => {
  it("has exactly the contract's kinds, each once in the New recipe menu", () => {
    expect(Object.keys(RECIPE_KIND_REGISTRY).sort()).toEqual([...contractKinds].sort());
    expect(RECIPE_KINDS.map((k) => k.kind).sort()).toEqual([...contractKinds].sort());
    expect(new Set(RECIPE_KINDS.map((k) => k.label)).size).toBe(contractKinds.length);
  });

  it("gives each kind a usable entry: inputs in order, an output suffix that is a valid name", () => {
    for (const kind of contractKinds) {
      const e = RECIPE_KIND_REGISTRY[kind];
      expect(e.inputs[0], kind).toBeGreaterThanOrEqual(1);
      expect(e.inputs[1], kind).toBeGreaterThanOrEqual(e.inputs[0]);
      expect(toObjectName(e.outputSuffix), kind).toBe(e.outputSuffix);
    }
  });

  it("answers for text that is not a kind without inventing an entry", () => {
    expect(isRecipeKind("group")).toBe(true);
    expect(isRecipeKind("toString")).toBe(false);
    expect(recipeKindInfo("constructor")).toBeUndefined();
    expect(recipeKindLabel("unknownKind")).toBe("unknownKind");
    expect(recipeKindInfo("topN")).toMatchObject({ kind: "topN", label: "Top N", outputSuffix: "top" });
  });

  it("does not compile without an entry for every kind", () => {
    const { sql: _sql, ...withoutSql } = RECIPE_KIND_REGISTRY;
    // @ts-expect-error a registry missing a kind (here "sql") is a type error: the studio's typecheck fails
    const partial: RecipeKindRegistry = withoutSql;
    const extra: Record<RecipeKind, RecipeKindEntry> = {
      ...RECIPE_KIND_REGISTRY,
      // @ts-expect-error a kind the contract does not have is refused too
      notAKind: RECIPE_KIND_REGISTRY.sql,
    };
    expect(Object.keys(partial)).not.toContain("sql");
    expect(Object.keys(extra)).toContain("notAKind");
  });
});
