// The prepare steps' JavaScript functions now sit on maintained libraries (bowser,
// date-holidays). These pin Sous's own choices on top of them and the outputs that changed.
import { describe, expect, it } from "vitest";
import { isHolidayIso, parseUserAgent } from "../src/prepare/udfs/index.ts";

describe("user agents (bowser)", () => {
  it("keeps Sous's labels and the Windows marketing version", () => {
    expect(
      parseUserAgent(
        "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
      ),
    ).toEqual({
      browser: "Samsung Internet",
      browserVersion: "23.0",
      os: "Android",
      osVersion: "13",
      device: "mobile",
    });
    expect(
      parseUserAgent("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"),
    ).toMatchObject({ browser: "Internet Explorer", os: "Windows", osVersion: "7", device: "desktop" });
  });

  it("takes command-line clients and self-declared crawlers for bots, without a version", () => {
    for (const [ua, name] of [
      ["curl/8.0", "curl"],
      ["python-requests/2.31", "python-requests"],
      ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot"],
      ["SomeCrawler/1.0 (+https://example.com)", "Bot"],
    ] as const) {
      expect(parseUserAgent(ua)).toMatchObject({ browser: name, browserVersion: null, device: "bot" });
    }
  });

  it("gives nulls for what it cannot read", () => {
    expect(parseUserAgent("something odd")).toEqual({
      browser: null,
      browserVersion: null,
      os: null,
      osVersion: null,
      device: null,
    });
  });
});

describe("holidays (date-holidays)", () => {
  it("knows the one-off and new holidays the old fixed table missed", () => {
    expect(isHolidayIso("2022-09-19", "GB")).toBe(true); // the Queen's funeral
    expect(isHolidayIso("2020-05-08", "GB")).toBe(true); // early May bank holiday moved to VE Day
    expect(isHolidayIso("2020-05-04", "GB")).toBe(false);
    expect(isHolidayIso("2017-10-31", "DE")).toBe(true); // Reformation Day, 500th year
    expect(isHolidayIso("2026-10-04", "IT")).toBe(true); // St Francis, a holiday again from 2026
    expect(isHolidayIso("2021-12-31", "US")).toBe(true); // New Year's Day 2022 observed
  });

  it("counts observed days, not bank-only days or observances", () => {
    expect(isHolidayIso("2017-11-10", "US")).toBe(true); // Veterans Day observed on Friday
    expect(isHolidayIso("2024-12-24", "DE")).toBe(false); // banks close; not a public holiday
    expect(isHolidayIso("2024-03-31", "FR")).toBe(false); // Easter Sunday: not a legal holiday
    expect(isHolidayIso("2023-05-05", "NL")).toBe(false); // Liberation Day: no general day off
    expect(isHolidayIso("2024-08-26", "GB")).toBe(true); // summer bank holiday (England & Wales)
  });
});
