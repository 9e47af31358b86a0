"use client";

import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server HTML and during hydration, true after. Controls stay disabled until
 * React owns them: a click or keystroke that lands earlier would otherwise be lost (or, for a
 * form, submitted natively), which real users on slow links and fast test robots both hit.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
