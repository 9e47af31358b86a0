import type { BinaryOp, CallNode, FormulaNode } from "./ast.ts";
import { type FormulaError, lineCol } from "./errors.ts";

/**
 * Hand-written lexer and Pratt parser for the formula language. Precedence, loosest first:
 * `|| or`, `&& and`, prefix `! not`, comparisons, `+ -`, `* / %`, prefix `-`, then `.f()` method
 * calls. `!`/`not` bind looser than comparisons, as SQL's NOT does: `!a == b` is `!(a == b)`.
 */
type TokenKind = "number" | "string" | "ident" | "quoted" | "op" | "eof";

interface Token {
  readonly kind: TokenKind;
  /** Operator/punctuation text, identifier name, or a string's decoded value. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

class SyntaxFailure extends Error {
  constructor(readonly error: FormulaError) {
    super(error.message);
  }
}

function fail(message: string, start: number, end: number): never {
  throw new SyntaxFailure({ code: "syntax", message, start, end: Math.max(end, start + 1) });
}

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;
const TWO_CHAR_OPS = new Set(["==", "!=", "<=", ">=", "&&", "||", "<>"]);
const ONE_CHAR_OPS = new Set(["+", "-", "*", "/", "%", "<", ">", "!", "(", ")", ",", "."]);
const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      while (/[0-9]/.test(text[i] ?? "")) i++;
      if (text[i] === "." && /[0-9]/.test(text[i + 1] ?? "")) {
        i++;
        while (/[0-9]/.test(text[i] ?? "")) i++;
      }
      if (/[eE]/.test(text[i] ?? "") && /^[eE][+-]?[0-9]/.test(text.slice(i, i + 3))) {
        i += /[+-]/.test(text[i + 1] ?? "") ? 2 : 1;
        while (/[0-9]/.test(text[i] ?? "")) i++;
      }
      if (IDENT_PART.test(text[i] ?? "")) {
        fail(
          `'${text.slice(start, i + 1)}' is not a number; column names starting with a digit must be written in backticks, e.g. \`${text.slice(start, i + 1)}...\``,
          start,
          i + 1,
        );
      }
      tokens.push({ kind: "number", value: text.slice(start, i), start, end: i });
      continue;
    }
    if (ch === '"' || ch === "'") {
      i++;
      let value = "";
      for (;;) {
        const c = text[i];
        if (c === undefined) {
          fail(`Unterminated string starting at ${lineCol(text, start)}: add the closing ${ch}`, start, i);
        }
        if (c === ch) break;
        if (c === "\\") {
          const next = text[i + 1];
          if (next === undefined) {
            fail(`Unterminated string starting at ${lineCol(text, start)}: add the closing ${ch}`, start, i);
          }
          if (next === "u") {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              fail("A \\u escape needs 4 hexadecimal digits, e.g. \\u00e9", i, i + 2 + hex.length);
            }
            value += String.fromCharCode(Number.parseInt(hex, 16));
            i += 6;
            continue;
          }
          const esc = ESCAPES[next!];
          // Unknown escapes keep their backslash, so regexes such as "\d+" read as written.
          value += esc ?? `\\${next}`;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: "string", value, start, end: i });
      continue;
    }
    if (ch === "`") {
      i++;
      let value = "";
      for (;;) {
        const c = text[i];
        if (c === undefined) {
          fail(
            `Unterminated \`column name\` starting at ${lineCol(text, start)}: add the closing \``,
            start,
            i,
          );
        }
        if (c === "`") {
          if (text[i + 1] === "`") {
            value += "`";
            i += 2;
            continue;
          }
          break;
        }
        value += c;
        i++;
      }
      i++;
      if (value === "") fail("Empty column name: write the name between the backticks", start, i);
      tokens.push({ kind: "quoted", value, start, end: i });
      continue;
    }
    if (IDENT_START.test(ch)) {
      while (i < text.length && IDENT_PART.test(text[i]!)) i++;
      tokens.push({ kind: "ident", value: text.slice(start, i), start, end: i });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: "op", value: two === "<>" ? "!=" : two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(ch)) {
      tokens.push({ kind: "op", value: ch, start, end: i + 1 });
      i++;
      continue;
    }
    if (ch === "=") fail("Use '==' to compare values ('=' alone is not an operator)", i, i + 1);
    if (ch === "&") fail("Use '&&' (or 'and') for a logical AND", i, i + 1);
    if (ch === "|") fail("Use '||' (or 'or') for a logical OR", i, i + 1);
    if (ch === "[" || ch === "]") {
      fail("Arrays are not supported: use split(text, delimiter, index) to take one element", i, i + 1);
    }
    fail(`Unexpected character '${ch}'`, i, i + 1);
  }
  tokens.push({ kind: "eof", value: "", start: text.length, end: text.length });
  return tokens;
}

const BINARY: Record<string, { op: BinaryOp; prec: number }> = {
  "||": { op: "||", prec: 1 },
  or: { op: "||", prec: 1 },
  "&&": { op: "&&", prec: 2 },
  and: { op: "&&", prec: 2 },
  "==": { op: "==", prec: 4 },
  "!=": { op: "!=", prec: 4 },
  "<": { op: "<", prec: 4 },
  "<=": { op: "<=", prec: 4 },
  ">": { op: ">", prec: 4 },
  ">=": { op: ">=", prec: 4 },
  "+": { op: "+", prec: 5 },
  "-": { op: "-", prec: 5 },
  "*": { op: "*", prec: 6 },
  "/": { op: "/", prec: 6 },
  "%": { op: "%", prec: 6 },
};
const NOT_PREC = 3;
const UNARY_MINUS_PREC = 6;
const KEYWORDS = new Set(["and", "or", "not", "true", "false", "null"]);

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.value === value;
  }

  private describe(t: Token): string {
    if (t.kind === "eof") return "the end of the formula";
    return `'${this.text.slice(t.start, t.end)}'`;
  }

  parseFormula(): FormulaNode {
    if (this.peek().kind === "eof") {
      fail("The formula is empty: write an expression such as upper(name) or price * quantity", 0, 0);
    }
    const node = this.expression(0);
    const t = this.peek();
    if (t.kind !== "eof") {
      const hint =
        t.kind === "op" && t.value === ")" ? "there is no '(' to close" : "is an operator missing?";
      fail(`Unexpected ${this.describe(t)} after a complete expression: ${hint}`, t.start, t.end);
    }
    return node;
  }

  private binaryAhead(): { op: BinaryOp; prec: number } | undefined {
    const t = this.peek();
    if (t.kind === "op") return BINARY[t.value];
    if (t.kind === "ident" && (t.value === "and" || t.value === "or")) return BINARY[t.value];
    return undefined;
  }

  private expression(minPrec: number): FormulaNode {
    let left = this.prefix();
    for (;;) {
      const b = this.binaryAhead();
      if (!b || b.prec <= minPrec) return left;
      const opToken = this.next();
      if (b.prec === 4 && this.binaryAhead()?.prec === 4) {
        const t = this.peek();
        fail(`Unexpected ${this.describe(t)} right after ${this.describe(opToken)}`, t.start, t.end);
      }
      const right = this.operand(b.prec, opToken);
      left = {
        kind: "binary",
        op: b.op,
        opStart: opToken.start,
        left,
        right,
        start: left.start,
        end: right.end,
      };
    }
  }

  /** The right operand of an operator, with a message naming the operator when it is missing. */
  private operand(prec: number, opToken: Token): FormulaNode {
    const t = this.peek();
    if (t.kind === "eof" || (t.kind === "op" && (t.value === ")" || t.value === ","))) {
      fail(
        `Expected a value after ${this.describe(opToken)}, found ${this.describe(t)}`,
        t.kind === "eof" ? opToken.start : t.start,
        t.kind === "eof" ? opToken.end : t.end,
      );
    }
    return this.expression(prec);
  }

  private prefix(): FormulaNode {
    const t = this.peek();
    if ((t.kind === "op" && t.value === "!") || (t.kind === "ident" && t.value === "not")) {
      this.next();
      const arg = this.operand(NOT_PREC, t);
      return { kind: "unary", op: "!", arg, start: t.start, end: arg.end };
    }
    if (t.kind === "op" && (t.value === "-" || t.value === "+")) {
      this.next();
      const arg = this.operand(UNARY_MINUS_PREC, t);
      if (t.value === "+") return arg;
      return { kind: "unary", op: "-", arg, start: t.start, end: arg.end };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: FormulaNode): FormulaNode {
    let target = node;
    while (this.isOp(".")) {
      const dot = this.next();
      const name = this.peek();
      if (name.kind !== "ident" || KEYWORDS.has(name.value)) {
        fail(
          `Expected a function name after '.', found ${this.describe(name)} (e.g. name.upper())`,
          name.kind === "eof" ? dot.start : name.start,
          name.kind === "eof" ? dot.end : name.end,
        );
      }
      this.next();
      if (!this.isOp("(")) {
        const t = this.peek();
        fail(
          `Expected '(' after '.${name.value}': method calls need parentheses, e.g. .${name.value}()`,
          t.kind === "eof" ? name.start : t.start,
          t.kind === "eof" ? name.end : t.end,
        );
      }
      target = this.call(name, [target], true, target.start);
    }
    return target;
  }

  private call(name: Token, leading: FormulaNode[], method: boolean, start: number): CallNode {
    const open = this.next();
    const args = [...leading];
    const where = `the call to '${name.value}' opened at ${lineCol(this.text, open.start)}`;
    if (!this.isOp(")")) {
      for (;;) {
        const t = this.peek();
        if (t.kind === "eof") fail(`Expected ')' to close ${where}`, open.start, open.end);
        if (t.kind === "op" && t.value === ",")
          fail(`Missing argument before ',' in ${where}`, t.start, t.end);
        args.push(this.expression(0));
        if (this.isOp(",")) {
          const comma = this.next();
          if (this.isOp(")")) {
            fail(`Trailing ',' in ${where}: remove it or add an argument`, comma.start, comma.end);
          }
          continue;
        }
        if (this.isOp(")")) break;
        const bad = this.peek();
        if (bad.kind === "eof") fail(`Expected ')' to close ${where}`, open.start, open.end);
        fail(`Expected ',' or ')' in ${where}, found ${this.describe(bad)}`, bad.start, bad.end);
      }
    }
    const close = this.next();
    return {
      kind: "call",
      name: name.value,
      nameStart: name.start,
      nameEnd: name.end,
      args,
      method,
      start,
      end: close.end,
    };
  }

  private primary(): FormulaNode {
    const t = this.next();
    switch (t.kind) {
      case "number":
        return {
          kind: "number",
          text: t.value,
          integral: /^[0-9]+$/.test(t.value),
          start: t.start,
          end: t.end,
        };
      case "string":
        return { kind: "string", value: t.value, start: t.start, end: t.end };
      case "quoted":
        return { kind: "column", name: t.value, syntax: "backtick", start: t.start, end: t.end };
      case "ident": {
        if (t.value === "true" || t.value === "false") {
          return { kind: "boolean", value: t.value === "true", start: t.start, end: t.end };
        }
        if (t.value === "null") return { kind: "null", start: t.start, end: t.end };
        if ((t.value === "and" || t.value === "or") && !this.isOp("(")) {
          fail(`Expected a value before '${t.value}'`, t.start, t.end);
        }
        if (!this.isOp("("))
          return { kind: "column", name: t.value, syntax: "bare", start: t.start, end: t.end };
        if (t.value === "val") return this.val(t);
        return this.call(t, [], false, t.start);
      }
      case "op": {
        if (t.value === "(") {
          if (this.isOp(")")) fail("Empty parentheses: put an expression inside", t.start, this.peek().end);
          const inner = this.expression(0);
          if (!this.isOp(")")) {
            const bad = this.peek();
            const found = bad.kind === "eof" ? "" : `, found ${this.describe(bad)}`;
            fail(
              `Expected ')' to close the '(' opened at ${lineCol(this.text, t.start)}${found}`,
              bad.kind === "eof" ? t.start : bad.start,
              bad.kind === "eof" ? t.end : bad.end,
            );
          }
          this.next();
          return inner;
        }
        return fail(`Expected a value, found ${this.describe(t)}`, t.start, t.end);
      }
      case "eof":
        return fail("Expected a value, found the end of the formula", t.start, t.end);
    }
  }

  /** val("column name"): a column reference by any name. */
  private val(name: Token): FormulaNode {
    const call = this.call(name, [], false, name.start);
    const [arg] = call.args;
    if (call.args.length !== 1 || arg?.kind !== "string") {
      fail('val() takes the column name as one quoted string, e.g. val("unit price")', call.start, call.end);
    }
    if (arg.value === "") fail("val() needs a non-empty column name", arg.start, arg.end);
    return { kind: "column", name: arg.value, syntax: "val", start: call.start, end: call.end };
  }
}

export interface ParseResult {
  /** null when there is a syntax error. */
  readonly ast: FormulaNode | null;
  readonly errors: readonly FormulaError[];
}

/** Parses a formula. Syntax errors stop at the first one (later ones are usually echoes). */
export function parseFormula(text: string): ParseResult {
  try {
    return { ast: new Parser(text, tokenize(text)).parseFormula(), errors: [] };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { ast: null, errors: [e.error] };
    throw e;
  }
}
