import { describe, expect, it } from "vitest";
import { sqlInputsRead } from "./inputs-read.ts";

describe("sqlInputsRead", () => {
  it("keeps the names read as tables, not those used as columns, aliases or qualifiers' fields", () => {
    const sql = "SELECT o.amount AS customers, o.region FROM orders o WHERE o.amount > 0";
    expect(sqlInputsRead(sql, ["orders", "customers", "amount", "region"])).toEqual(["orders"]);
  });

  it("finds tables in joins, subqueries and CTE bodies, in the candidates' spelling", () => {
    const sql = [
      "WITH big AS (SELECT * FROM Orders WHERE amount > 10)",
      "SELECT c.name FROM big JOIN customers c ON c.id = big.customer_id",
      "WHERE c.id IN (SELECT customer_id FROM `returns`)",
    ].join("\n");
    expect(sqlInputsRead(sql, ["orders", "Customers", "returns", "big", "name"])).toEqual([
      "orders",
      "Customers",
      "returns",
    ]);
  });

  it("does not count a name the query's own CTE redefines", () => {
    const sql = "WITH orders AS (SELECT 1 AS x) SELECT x FROM orders";
    expect(sqlInputsRead(sql, ["orders"])).toEqual([]);
  });

  it("is null for a query the recipe check refuses", () => {
    expect(sqlInputsRead("SELECT * FROM orders; DROP TABLE orders", ["orders"])).toBeNull();
    expect(sqlInputsRead("SELECT * FROM elsewhere", ["orders"])).toBeNull();
  });
});
