/**
 * Formula syntax tree. Every node keeps the span of text it was parsed from (`start`, `end`:
 * offsets, end exclusive) so type errors can point at the exact argument.
 */
interface Span {
  readonly start: number;
  readonly end: number;
}

export interface NumberNode extends Span {
  readonly kind: "number";
  /** The literal as written (digits, optional fraction and exponent). */
  readonly text: string;
  readonly integral: boolean;
}

export interface StringNode extends Span {
  readonly kind: "string";
  readonly value: string;
}

export interface BooleanNode extends Span {
  readonly kind: "boolean";
  readonly value: boolean;
}

export interface NullNode extends Span {
  readonly kind: "null";
}

export interface ColumnNode extends Span {
  readonly kind: "column";
  readonly name: string;
  /** How it was written: a bare identifier, `backticks`, or val("..."). */
  readonly syntax: "bare" | "backtick" | "val";
}

export interface CallNode extends Span {
  readonly kind: "call";
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly args: readonly FormulaNode[];
  /** `x.f(y)` (sugar for `f(x, y)`). */
  readonly method: boolean;
}

export type UnaryOp = "-" | "!";
export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||";

export interface UnaryNode extends Span {
  readonly kind: "unary";
  readonly op: UnaryOp;
  readonly arg: FormulaNode;
}

export interface BinaryNode extends Span {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly opStart: number;
  readonly left: FormulaNode;
  readonly right: FormulaNode;
}

export type FormulaNode =
  | NumberNode
  | StringNode
  | BooleanNode
  | NullNode
  | ColumnNode
  | CallNode
  | UnaryNode
  | BinaryNode;
