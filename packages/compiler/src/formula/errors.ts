import { CompileError } from "../errors.ts";

/**
 * A problem in a formula, anchored to the characters it is about. `start`/`end` are UTF-16
 * offsets into the formula text (end exclusive), so an editor can underline them directly.
 */
export type FormulaErrorCode =
  | "syntax"
  | "unknown_column"
  | "unknown_function"
  | "wrong_arity"
  | "wrong_type"
  | "invalid_argument";

export interface FormulaError {
  readonly code: FormulaErrorCode;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** 1-based "line:column" of an offset, as the messages print it. */
export function lineCol(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return `${line}:${col}`;
}

/**
 * Raised by `lowerFormula` (and so by recipes using formulas): a CompileError whose message is
 * the first formula error, with every error attached for editors.
 */
export class FormulaCompileError extends CompileError {
  readonly errors: readonly FormulaError[];

  constructor(text: string, errors: readonly FormulaError[], path?: (string | number)[]) {
    const first = errors[0];
    const where = first ? ` (at ${lineCol(text, first.start)})` : "";
    super("invalid_formula", `Formula error${where}: ${first?.message ?? "invalid formula"}`, path);
    this.errors = errors;
  }
}

/** Closest names to a misspelt one (edit distance), for "did you mean" hints. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const score = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  if (best === undefined) return undefined;
  return bestScore <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}
