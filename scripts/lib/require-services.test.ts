import { describe, expect, it } from "vitest";
import { missingServiceUrls, serviceProblems, servicesRequired } from "./require-services.ts";

describe("servicesRequired", () => {
  it("is on in CI (any value but 0/false/no) or when asked for, off otherwise", () => {
    for (const CI of ["1", "true", "TRUE", "yes", "github"]) expect(servicesRequired({ CI }), CI).toBe(true);
    for (const CI of [undefined, "", "0", "false", "no"])
      expect(servicesRequired({ CI }), String(CI)).toBe(false);
    expect(servicesRequired({ SOUS_REQUIRE_SERVICES: "1" })).toBe(true);
  });

  it("names the unset service variables", () => {
    expect(missingServiceUrls({})).toEqual(["SOUS_TEST_DATABASE_URL", "SOUS_TEST_REDIS_URL"]);
    expect(missingServiceUrls({ SOUS_TEST_DATABASE_URL: "postgresql://x/y" })).toEqual([
      "SOUS_TEST_REDIS_URL",
    ]);
  });

  it("asks for the studio too when told to (CI does: every e2e spec and the studio's API tests need it)", async () => {
    const unset = ["SOUS_TEST_DATABASE_URL is not set", "SOUS_TEST_REDIS_URL is not set"];
    expect(await serviceProblems({})).toEqual(unset);
    expect(await serviceProblems({}, { studio: true })).toEqual([
      ...unset,
      "SOUS_TEST_STUDIO_URL is not set (the studio's API and e2e tests would skip)",
    ]);
  });
});
