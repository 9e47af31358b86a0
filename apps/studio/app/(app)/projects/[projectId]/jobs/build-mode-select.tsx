"use client";

import type { BuildMode } from "@sous/contracts";
import { MODE_LABEL } from "./job-format.ts";

// The build mode picked next to a Run button (recipe editor, Flow side panel), each with its hint.

const BUILD_MODES: { mode: BuildMode; hint: string }[] = [
  { mode: "build-only-this", hint: "Run this recipe only, on the inputs as they are" },
  { mode: "smart", hint: "Also rebuild what is outdated upstream" },
  { mode: "forced-recursive", hint: "Rebuild everything upstream, then this" },
  { mode: "missing-only", hint: "Build only datasets never built, upstream included" },
];

export function RunModeSelect({
  mode,
  setMode,
  disabled,
}: {
  mode: BuildMode;
  setMode: (m: BuildMode) => void;
  disabled?: boolean;
}) {
  return (
    <select
      className="input select run-mode"
      aria-label="Build mode"
      title={BUILD_MODES.find((m) => m.mode === mode)?.hint}
      data-testid="run-mode"
      value={mode}
      disabled={disabled}
      onChange={(e) => setMode(e.target.value as BuildMode)}
    >
      {BUILD_MODES.map((m) => (
        <option key={m.mode} value={m.mode} title={m.hint}>
          {MODE_LABEL[m.mode] ?? m.mode}
        </option>
      ))}
    </select>
  );
}
