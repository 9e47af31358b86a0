"use client";

import { z } from "zod";

// The content security policy (next.config.ts) has no 'unsafe-eval'. Zod probes `new Function`
// before its first object parse to compile fast parsers; in the browser the probe fails (zod then
// falls back) but reports a CSP violation. Jitless from the start, there is no probe.
z.config({ jitless: true });

/** Rendered once by the root layout so that this module runs on every page. */
export function ZodJitless(): null {
  return null;
}
