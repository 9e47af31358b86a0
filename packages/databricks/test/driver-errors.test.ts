import { describe, expect, it } from "vitest";
import { describeColumn } from "../src/column-types.ts";
import { httpFailureOf, toSqlError } from "../src/driver-errors.ts";

const TOKEN = "dapi-unit-secret-zyx987";

describe("toSqlError", () => {
  it("maps a THTTPException-shaped error to its status and a safe message", () => {
    const thttp = Object.assign(new Error("Received a response with a bad HTTP status code: 401"), {
      statusCode: 401,
      response: { headers: new Headers({ "www-authenticate": `Bearer ${TOKEN}` }) },
    });
    const e = toSqlError(thttp, TOKEN);
    expect(e).toMatchObject({ name: "DatabricksSqlError", status: 401 });
    expect(e.message).toMatch(/token was rejected/);
    expect(JSON.stringify(e) + e.message).not.toContain(TOKEN);
  });

  it("reads Retry-After (seconds) from the response headers", () => {
    expect(
      httpFailureOf({ statusCode: 503, response: { headers: new Headers({ "retry-after": "2" }) } }),
    ).toEqual({
      statusCode: 503,
      retryAfterMs: 2000,
    });
    expect(httpFailureOf(new Error("x"))).toBeUndefined();
  });

  it("keeps the SQLSTATE of an operation error and of a StatusError message", () => {
    const opError = Object.assign(new Error("[TABLE_OR_VIEW_NOT_FOUND] t"), {
      response: { sqlState: "42P01" },
    });
    expect(toSqlError(opError, TOKEN)).toMatchObject({
      sqlState: "42P01",
      message: "[TABLE_OR_VIEW_NOT_FOUND] t",
    });
    // The driver's StatusError is not an Error instance and carries no sqlState field.
    const statusError = {
      name: "Status Error",
      message: "[PARSE_SYNTAX_ERROR] x. SQLSTATE: 42601",
      code: -1,
    };
    expect(toSqlError(statusError, TOKEN)).toMatchObject({ sqlState: "42601" });
  });

  it("redacts the token from any message", () => {
    expect(toSqlError(new Error(`bad ${TOKEN}`), TOKEN).message).toBe("bad [REDACTED]");
  });
});

describe("describeColumn", () => {
  it("names Spark types, including decimal precision", () => {
    const col = (type: number, qualifiers?: Record<string, { i32Value: number }>) => ({
      columnName: "c",
      typeDesc: {
        types: [{ primitiveEntry: { type, ...(qualifiers ? { typeQualifiers: { qualifiers } } : {}) } }],
      },
    });
    expect(describeColumn(col(3))).toEqual({ name: "c", type: "INT" });
    expect(describeColumn(col(15, { precision: { i32Value: 38 }, scale: { i32Value: 6 } }))).toEqual({
      name: "c",
      type: "DECIMAL(38,6)",
    });
    expect(describeColumn({ columnName: "x" })).toEqual({ name: "x", type: "UNKNOWN" });
  });
});
