import { CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { syntaxTree } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { nameCompletions, SparkSQL, type SqlTable, wordCompletions } from "./sql-language.ts";
import { sqlName } from "./sql-names.ts";

// The SQL editor's language without a browser: the SparkSQL dialect's tokens, and what completion
// offers where (the inputs and their columns from the page, keywords and functions from the dialect).

const TABLES: SqlTable[] = [
  {
    name: "sales",
    columns: [
      { name: "region", type: "string" },
      { name: "order date", type: "date" },
    ],
  },
];

const state = (doc: string) => EditorState.create({ doc, extensions: [SparkSQL.language] });

function tokens(doc: string): [string, string][] {
  const s = state(doc);
  const out: [string, string][] = [];
  syntaxTree(s).iterate({
    enter(n) {
      if (!n.node.firstChild && n.from < n.to) out.push([n.name, s.sliceDoc(n.from, n.to)]);
    },
  });
  return out;
}

async function complete(doc: string, explicit = false): Promise<CompletionResult[]> {
  const s = state(doc);
  const ctx = new CompletionContext(s, doc.length, explicit);
  const results = await Promise.all([nameCompletions(() => TABLES)(ctx), wordCompletions(ctx)]);
  return results.filter((r): r is CompletionResult => r !== null);
}
const labels = (rs: CompletionResult[]) => rs.flatMap((r) => r.options.map((o) => o.label));

describe("the SparkSQL dialect", () => {
  it("reads keywords, builtins, backticked names, strings and comments as SparkSQL does", () => {
    const t = tokens("SELECT count(x), `order date` FROM sales WHERE region = 'it\\'s' -- done");
    expect(t).toContainEqual(["Keyword", "SELECT"]);
    expect(t).toContainEqual(["Builtin", "count"]);
    expect(t).toContainEqual(["QuotedIdentifier", "`order date`"]);
    expect(t).toContainEqual(["Identifier", "sales"]);
    expect(t).toContainEqual(["LineComment", "-- done"]);
    expect(t.filter(([n]) => n === "String").map(([, v]) => v)).toEqual(["'it\\'s'"]);
    // A type word is no keyword here: a column named `date` stays a name.
    expect(tokens("SELECT date FROM t")).toContainEqual(["Identifier", "date"]);
  });

  it("quotes a name that is one of its keywords", () => {
    expect(sqlName("region")).toBe("region");
    expect(sqlName("order")).toBe("`order`");
    expect(sqlName("order date")).toBe("`order date`");
  });
});

describe("SQL completion", () => {
  it("offers the inputs, their columns, the dialect's keywords and functions", async () => {
    const rs = await complete("SELECT * FROM sa");
    const all = rs.flatMap((r) => r.options);
    expect(all.find((o) => o.label === "sales")).toMatchObject({ section: "Inputs", apply: "sales" });
    expect(all.find((o) => o.label === "order date")).toMatchObject({
      section: "Columns",
      apply: "`order date`",
    });
    expect(all.find((o) => o.label === "SELECT")).toMatchObject({ type: "keyword", section: "Keywords" });
    expect(all.find((o) => o.label === "NULL")).toMatchObject({ type: "keyword" });
    expect(all.find((o) => o.label.toLowerCase() === "unknown")).toBeUndefined();
    expect(all.find((o) => o.label === "count")).toMatchObject({
      type: "function",
      apply: "count(",
      detail: "(expr) -> bigint",
    });
  });

  it("after `table.` offers that table's columns only", async () => {
    const rs = await complete("SELECT sales.re");
    expect(labels(rs)).toEqual(["region", "order date"]);
  });

  it("offers nothing inside a string", async () => {
    expect(labels(await complete("SELECT 'sa"))).toEqual([]);
  });
});
