import type { RecipeKind } from "@sous/contracts";
import type { ReactNode, SVGProps } from "react";
import { isRecipeKind } from "./recipe-kinds.ts";

// One line icon per recipe kind, drawn on the 24px grid like the rest of the icons: the kind must
// be readable at a glance on the canvas, where DSS users look for it first. Keyed by RecipeKind
// like the registry (recipe-kinds.ts): a kind without its icon fails the typecheck.
type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  );
}

const PATHS: Record<RecipeKind, ReactNode> = {
  // Σ
  group: <path d="M17 5H7l6 7-6 7h10" />,
  // two arrows: copy as is
  sync: <path d="M4 8h13M13 4l4 4-4 4M4 16h13M13 12l4 4-4 4" />,
  // funnel
  filter: <path d="M4 5h16l-6 7.5V19l-4-2v-4.5z" />,
  // one of many: three rows, two struck out
  distinct: (
    <>
      <rect x="5" y="4" width="14" height="4" rx="1" />
      <path d="M5 12h14M5 18h14" strokeDasharray="2 3" />
    </>
  ),
  // two overlapping circles
  join: (
    <>
      <circle cx="9" cy="12" r="5.5" />
      <circle cx="15" cy="12" r="5.5" />
    </>
  ),
  // rows with a sliding frame
  window: (
    <>
      <path d="M4 5h16M4 9.5h16M4 14.5h16M4 19h16" strokeWidth={1.5} />
      <rect x="3" y="7.5" width="18" height="9" rx="1.5" />
    </>
  ),
  // long to wide: a column turned into a row
  pivot: (
    <>
      <path d="M5 20V9M5 9h0M9 5h11" />
      <path d="M9 9c5 0 7 3 7 8M13.5 14.5 16 17.5l2.5-3" />
    </>
  ),
  // bars of growing length and an arrow
  sort: (
    <>
      <path d="M4 6h6M4 12h9M4 18h12" />
      <path d="M19 5v14M16.5 16.5 19 19l2.5-2.5" />
    </>
  ),
  // a podium
  topN: <path d="M9 20V8h6v12M3 20v-7h6M15 20v-9h6v9M3 20h18M12 4v0" />,
  // stacked layers
  stack: (
    <>
      <path d="M12 4 3 8.5l9 4.5 9-4.5z" />
      <path d="m3 12.5 9 4.5 9-4.5M3 16.5 12 21l9-4.5" />
    </>
  ),
  // one line forking into three
  split: <path d="M3 12h7M10 12l4-6h6M10 12h10M10 12l4 6h6" />,
  // a code bracket pair
  sql: <path d="m8 7-5 5 5 5M16 7l5 5-5 5M13.5 5l-3 14" />,
  // a target: rows scored by a model
  score: (
    <>
      <circle cx="12" cy="12" r="8" />
      <circle cx="12" cy="12" r="4" />
      <path d="M12 12h0" strokeWidth={3} />
    </>
  ),
  // a gauge: a model measured
  evaluate: (
    <>
      <path d="M4 17a8 8 0 1 1 16 0" />
      <path d="m12 17 4-5" />
    </>
  ),
  // a brush
  prepare: (
    <>
      <path d="M14.5 4.5 19.5 9.5 11 18l-5-5z" />
      <path d="M6 13c-2 1-2 4-3 6 2-1 5-1 6-3" />
    </>
  ),
};

/** The icon of a recipe kind; unknown kinds get a generic "function" mark. */
export function RecipeIcon({ kind, ...rest }: IconProps & { kind: string }) {
  return (
    <Svg data-kind-icon={kind} {...rest}>
      {isRecipeKind(kind) ? PATHS[kind] : <path d="M14 4c-3 0-3 3-3 5v8c0 2 0 4-3 4M7 10h8" />}
    </Svg>
  );
}
