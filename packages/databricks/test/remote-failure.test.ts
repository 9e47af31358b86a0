import { describe, expect, it } from "vitest";
import { MissingDatabricksTokenError, resolveRunToken } from "../src/connection-config.ts";
import { formatDuration } from "../src/ensure-cluster.ts";
import { DatabricksApiError, DatabricksSqlError } from "../src/errors.ts";
import { describeRemoteFailure } from "../src/remote-failure.ts";

describe("describeRemoteFailure", () => {
  it("marks throttling, unavailability and network failures retryable", () => {
    for (const status of [0, 429, 503]) {
      expect(describeRemoteFailure(new DatabricksApiError("x", status, "E")).retryable).toBe(true);
    }
    expect(describeRemoteFailure(new DatabricksSqlError("starting", 503)).retryable).toBe(true);
    expect(describeRemoteFailure(new DatabricksSqlError("unreachable", 0)).retryable).toBe(true);
  });

  it("explains quota and node type refusals, and never retries 401/403", () => {
    expect(
      describeRemoteFailure(new DatabricksApiError("Quota exceeded for cores", 400, "QUOTA_EXCEEDED")),
    ).toEqual({
      message: expect.stringMatching(/no capacity.*Lower the profile's workers/),
      retryable: false,
    });
    expect(
      describeRemoteFailure(
        new DatabricksApiError("Node type X is not supported", 400, "INVALID_PARAMETER_VALUE"),
      ).message,
    ).toMatch(/Pick a node type/);
    expect(
      describeRemoteFailure(new DatabricksApiError("The Databricks token was rejected", 401, "E")).retryable,
    ).toBe(false);
  });
});

describe("resolveRunToken", () => {
  it("uses the service token, or the user's own one in per-user mode, else says what to do", () => {
    expect(
      resolveRunToken({ connectionName: "c", isolation: "service", serviceToken: "s", userToken: "u" }),
    ).toBe("s");
    expect(
      resolveRunToken({ connectionName: "c", isolation: "per-user", serviceToken: "s", userToken: "u" }),
    ).toBe("u");
    expect(() =>
      resolveRunToken({
        connectionName: "prod",
        isolation: "per-user",
        serviceToken: "s",
        userToken: undefined,
      }),
    ).toThrow(MissingDatabricksTokenError);
    expect(() =>
      resolveRunToken({
        connectionName: "prod",
        isolation: "service",
        serviceToken: undefined,
        userToken: "u",
      }),
    ).toThrow(/Admin > Databricks/);
  });
});

it("formats waits like the job log shows them", () => {
  expect(formatDuration(45_000)).toBe("45 s");
  expect(formatDuration(130_500)).toBe("2 min 10 s");
});
