import { describe, expect, it } from "vitest";
import { RecipeSpecSchema } from "./index.ts";
import { JoinParamsSchema } from "./join.ts";

describe("join params", () => {
  it("reads a join stored before operators existed as the same equality join", () => {
    const stored = { type: "left", on: [{ left: "id", right: "cid" }], rightPrefix: "o_" };
    expect(JoinParamsSchema.parse(stored)).toEqual({
      type: "left",
      on: [{ left: "id", right: "cid" }],
      rightPrefix: "o_",
      dropRightKeys: true,
    });
    expect(RecipeSpecSchema.parse({ kind: "join", params: { type: "cross" } })).toEqual({
      kind: "join",
      version: 1,
      params: { type: "cross", on: [], dropRightKeys: true },
    });
  });

  it("takes operators, date windows, column choices, computed columns and a post-join filter", () => {
    const params = {
      type: "inner",
      on: [
        { left: "order_date", op: "withinDays", right: "start", days: 90, direction: "after" },
        { left: "sku", op: "startsWith", right: "prefix" },
      ],
      leftColumns: [
        { column: "id", as: "order_id" },
        { column: "note", keep: false },
      ],
      rightColumns: [{ column: "name", as: "campaign" }],
      leftComputed: [{ name: "day", formula: "toDate(ordered_at)" }],
      rightComputed: [],
      computed: [{ name: "net", formula: "amount * 0.8" }],
      postFilter: { combine: "and", rules: [{ column: "net", op: "gt", value: 0 }] },
    };
    const parsed = JoinParamsSchema.parse(params);
    expect(parsed.leftColumns).toEqual([
      { column: "id", keep: true, as: "order_id" },
      { column: "note", keep: false },
    ]);
    expect(parsed.on[0]).toEqual(params.on[0]);
  });

  it.each([
    [{ left: "a", op: "withinDays", right: "b" }, "days"],
    [{ left: "a", op: "withinDays", right: "b", days: -1 }, "days"],
    [{ left: "a", op: "lt", right: "b", days: 3 }, "days"],
    [{ left: "a", op: "equals", right: "b", direction: "after" }, "direction"],
    [{ left: "a", op: "like", right: "b" }, "op"],
  ])("refuses the condition %j", (condition, field) => {
    const r = JoinParamsSchema.safeParse({ type: "inner", on: [condition] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["on", 0, field]);
  });
});
