import { describe, expect, it } from "vitest";
import { describeColumn } from "../src/column-types.ts";
import { httpFailureOf, lostConnection, toSqlError } from "../src/driver-errors.ts";

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

describe("connection failures (the workspace did not answer)", () => {
  const where = { workspace: "https://adb-1.2.azuredatabricks.net", rpcMs: 40_000 };

  it("names a refused connection 'unreachable', with status 0", () => {
    const fetchError = Object.assign(new Error("request to https://x failed, reason: connect ECONNREFUSED"), {
      type: "system",
      code: "ECONNREFUSED",
    });
    expect(toSqlError(fetchError, TOKEN, where)).toMatchObject({
      status: 0,
      message: expect.stringMatching(
        /^The Databricks workspace at https:\/\/adb-1\.2\.azuredatabricks\.net is unreachable \(connection refused\)/,
      ),
    });
  });

  it("turns the driver's 'Request timed out' into 'did not answer within N s'", () => {
    expect(toSqlError(new Error("Request timed out"), TOKEN, where).message).toMatch(
      /did not answer within 40 s/,
    );
  });

  it("never says 'Max retry count exceeded': a status the driver gave up on, or a lost connection", () => {
    const on503 = new Error("Hive driver: 503 when connecting to resource. Max retry count exceeded.");
    expect(toSqlError(on503, TOKEN, where)).toMatchObject({ status: 503 });
    expect(toSqlError(on503, TOKEN, where).message).toMatch(/temporarily unavailable/);
    expect(lostConnection(on503)).toBe(false);
    const lost = new Error("Hive driver: Error when connecting to resource. Max retry count exceeded.");
    expect(lostConnection(lost)).toBe(true);
    expect(toSqlError(lost, TOKEN, where)).toMatchObject({ status: 0 });
    expect(toSqlError(lost, TOKEN, where).message).not.toMatch(/Max retry/);
    expect(lostConnection(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
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
