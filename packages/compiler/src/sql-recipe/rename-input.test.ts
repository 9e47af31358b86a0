import { describe, expect, it } from "vitest";
import { renameSqlInput } from "./rename-input.ts";

const rename = (sql: string, from: string, to: string, columns: string[] = ["id", "amount"]) =>
  renameSqlInput({ sql, from, to, columns });

describe("renameSqlInput", () => {
  it("renames table references and qualifiers, whatever their case or quoting", () => {
    expect(
      rename(
        "SELECT sales.amount, `Sales`.id FROM sales JOIN `sales` s2 ON SALES.id = s2.id",
        "sales",
        "sales_2024",
      ),
    ).toEqual({
      ok: true,
      sql: "SELECT sales_2024.amount, `sales_2024`.id FROM sales_2024 JOIN `sales_2024` s2 ON sales_2024.id = s2.id",
    });
  });

  it("leaves strings, comments, fields after a dot and function calls alone", () => {
    const sql = "-- from sales\nSELECT 'sales' AS s, t.sales, sales(1) FROM sales /* sales */";
    expect(rename(sql, "sales", "orders")).toEqual({
      ok: true,
      sql: "-- from sales\nSELECT 'sales' AS s, t.sales, sales(1) FROM orders /* sales */",
    });
  });

  it("quotes a new name that is not a plain identifier", () => {
    expect(rename("SELECT * FROM sales", "sales", "sales 2024")).toEqual({
      ok: true,
      sql: "SELECT * FROM `sales 2024`",
    });
    expect(rename("SELECT * FROM sales", "sales", "a`b")).toEqual({ ok: true, sql: "SELECT * FROM `a``b`" });
  });

  it("renames only the quoted references of a dataset named like a keyword", () => {
    expect(rename("SELECT * FROM `select` WHERE true", "select", "picks")).toEqual({
      ok: true,
      sql: "SELECT * FROM `picks` WHERE true",
    });
  });

  it("refuses when the old name is also a column, a CTE of the query, or the new name is taken", () => {
    expect(rename("SELECT amount FROM amount", "amount", "totals")).toEqual({
      ok: false,
      reason: "amount is also the name of a column it reads",
    });
    expect(rename("WITH sales AS (SELECT 1 AS id) SELECT * FROM sales", "sales", "orders")).toEqual({
      ok: false,
      reason: "its query defines its own sales (a CTE)",
    });
    expect(rename("SELECT * FROM sales s JOIN other orders ON s.id = orders.id", "sales", "orders")).toEqual({
      ok: false,
      reason: "its query already uses the name orders",
    });
  });

  it("reports a query that does not tokenize instead of guessing", () => {
    const r = rename("SELECT 'open FROM sales", "sales", "orders");
    expect(r.ok).toBe(false);
  });
});
