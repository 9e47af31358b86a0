import Bowser from "bowser";

/**
 * User-Agent parsing with bowser (MIT): browser and version, OS and version, device type. Pure
 * JavaScript; the local engine runs it as the DuckDB function `sous_parse_ua(ua, field)`.
 * Sous keeps its own labels where bowser's differ ("Edge", not "Microsoft Edge"), the
 * Windows marketing version ("10", not "NT 10.0"), and a short list of clients bowser does not
 * take for bots (curl, Wget, python-requests, anything calling itself a bot, crawler or spider).
 */
export interface UserAgent {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  device: "desktop" | "mobile" | "tablet" | "bot" | null;
}

/** Checked before bowser: the first match names the bot; its version is not reported. */
const BOTS: readonly [RegExp, string][] = [
  [/Googlebot/i, "Googlebot"],
  [/bingbot/i, "Bingbot"],
  [/YandexBot/i, "YandexBot"],
  [/DuckDuckBot/i, "DuckDuckBot"],
  [/Baiduspider/i, "Baiduspider"],
  [/facebookexternalhit/i, "Facebook"],
  [/^curl\//i, "curl"],
  [/^Wget\//i, "Wget"],
  [/python-requests/i, "python-requests"],
  [/bot\b|crawler|spider|slurp/i, "Bot"],
];

/** Bowser's names that Sous has always shown differently. */
const BROWSER_LABELS: Readonly<Record<string, string>> = {
  "Microsoft Edge": "Edge",
  "Samsung Internet for Android": "Samsung Internet",
};

const DEVICES: Readonly<Record<string, UserAgent["device"]>> = {
  desktop: "desktop",
  mobile: "mobile",
  tablet: "tablet",
  bot: "bot",
};

const orNull = (s: string | undefined): string | null => (s === undefined || s === "" ? null : s);

export function parseUserAgent(ua: string): UserAgent {
  if (ua.trim() === "")
    return { browser: null, browserVersion: null, os: null, osVersion: null, device: null };
  const parsed = Bowser.parse(ua);
  const os = orNull(parsed.os.name);
  // Windows: bowser's version is the NT one ("NT 10.0"), its versionName the familiar one ("10").
  const osVersion = os === "Windows" ? orNull(parsed.os.versionName) : orNull(parsed.os.version);
  const bot = BOTS.find(([re]) => re.test(ua));
  if (bot) return { browser: bot[1], browserVersion: null, os, osVersion, device: "bot" };
  const name = orNull(parsed.browser.name);
  const browser = name === null ? null : (BROWSER_LABELS[name] ?? name);
  const type = parsed.platform.type;
  const device = type !== undefined && Object.hasOwn(DEVICES, type) ? (DEVICES[type] ?? null) : null;
  return {
    browser,
    browserVersion: device === "bot" ? null : orNull(parsed.browser.version),
    os,
    osVersion,
    device: device ?? (os || browser ? "desktop" : null),
  };
}

type UserAgentField = keyof UserAgent;

/** One field of a parsed User-Agent, or null. */
export function userAgentField(ua: string, field: string): string | null {
  if (!Object.hasOwn(FIELDS, field)) return null;
  return parseUserAgent(ua)[field as UserAgentField];
}

const FIELDS: Record<UserAgentField, true> = {
  browser: true,
  browserVersion: true,
  os: true,
  osVersion: true,
  device: true,
};
