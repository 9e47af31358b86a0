/**
 * A small User-Agent parser (no dependency): browser and version, OS and version, device type.
 * Pure JavaScript; the local engine runs it as the DuckDB function `sous_parse_ua(ua, field)`.
 * Rules are ordered: the first match wins (Edge and Opera before Chrome, Chrome before Safari).
 */
export interface UserAgent {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  device: "desktop" | "mobile" | "tablet" | "bot" | null;
}

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

const BROWSERS: readonly [RegExp, string][] = [
  [/\b(?:Edg|Edge|EdgA|EdgiOS)\/([\d.]+)/, "Edge"],
  [/\b(?:OPR|Opera)\/([\d.]+)/, "Opera"],
  [/\bSamsungBrowser\/([\d.]+)/, "Samsung Internet"],
  [/\b(?:Firefox|FxiOS)\/([\d.]+)/, "Firefox"],
  [/\b(?:Chrome|CriOS)\/([\d.]+)/, "Chrome"],
  [/\bVersion\/([\d.]+).*\bSafari\//, "Safari"],
  [/\bMSIE ([\d.]+)/, "Internet Explorer"],
  [/\bTrident\/.*\brv:([\d.]+)/, "Internet Explorer"],
];

const WINDOWS: Record<string, string> = {
  "10.0": "10",
  "6.3": "8.1",
  "6.2": "8",
  "6.1": "7",
  "6.0": "Vista",
  "5.1": "XP",
};

function os(ua: string): [string | null, string | null] {
  let m = /Windows NT ([\d.]+)/.exec(ua);
  if (m) return ["Windows", WINDOWS[m[1]!] ?? m[1]!];
  m = /(?:iPhone OS|CPU OS) ([\d_]+)/.exec(ua);
  if (m) return ["iOS", m[1]!.replaceAll("_", ".")];
  if (/iPhone|iPad|iPod/.test(ua)) return ["iOS", null];
  m = /Android ([\d.]+)/.exec(ua);
  if (m) return ["Android", m[1]!];
  if (/Android/.test(ua)) return ["Android", null];
  if (/CrOS/.test(ua)) return ["Chrome OS", null];
  m = /Mac OS X ([\d_.]+)/.exec(ua);
  if (m) return ["macOS", m[1]!.replaceAll("_", ".")];
  if (/Macintosh/.test(ua)) return ["macOS", null];
  if (/Linux/.test(ua)) return ["Linux", null];
  return [null, null];
}

export function parseUserAgent(ua: string): UserAgent {
  const empty: UserAgent = { browser: null, browserVersion: null, os: null, osVersion: null, device: null };
  if (ua.trim() === "") return empty;
  const [osName, osVersion] = os(ua);
  for (const [re, name] of BOTS) {
    if (re.test(ua)) return { browser: name, browserVersion: null, os: osName, osVersion, device: "bot" };
  }
  let browser: string | null = null;
  let browserVersion: string | null = null;
  for (const [re, name] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      browser = name;
      browserVersion = m[1] ?? null;
      break;
    }
  }
  const tablet = /iPad|Tablet/.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua));
  const mobile = !tablet && /Mobi|iPhone|iPod|Android/.test(ua);
  const device = tablet ? "tablet" : mobile ? "mobile" : osName || browser ? "desktop" : null;
  return { browser, browserVersion, os: osName, osVersion, device };
}

export type UserAgentField = keyof UserAgent;

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
