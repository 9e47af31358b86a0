import { describe, expect, it } from "vitest";
import type { FormulaNode } from "../src/formula/index.ts";
import { parseFormula } from "../src/index.ts";

/** A compact rendering of the tree, to assert precedence and sugar. */
function show(n: FormulaNode): string {
  switch (n.kind) {
    case "number":
      return n.text;
    case "string":
      return JSON.stringify(n.value);
    case "boolean":
      return String(n.value);
    case "null":
      return "null";
    case "column":
      return `[${n.name}]`;
    case "call":
      return `${n.name}(${n.args.map(show).join(", ")})`;
    case "unary":
      return `(${n.op}${show(n.arg)})`;
    case "binary":
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
  }
}

const tree = (text: string): string => {
  const { ast, errors } = parseFormula(text);
  expect(errors).toEqual([]);
  return show(ast!);
};

const error = (text: string) => {
  const { ast, errors } = parseFormula(text);
  expect(ast).toBeNull();
  expect(errors).toHaveLength(1);
  const e = errors[0]!;
  return { ...e, text: text.slice(e.start, e.end) };
};

describe("formula parser", () => {
  it("parses literals", () => {
    expect(tree("42")).toBe("42");
    expect(tree("3.25")).toBe("3.25");
    expect(tree(".5")).toBe(".5");
    expect(tree("1e3")).toBe("1e3");
    expect(tree("2.5E-3")).toBe("2.5E-3");
    expect(tree("true")).toBe("true");
    expect(tree("false")).toBe("false");
    expect(tree("null")).toBe("null");
    expect(tree("'single'")).toBe('"single"');
    expect(tree('"double"')).toBe('"double"');
  });

  it("decodes string escapes, keeps unknown ones for regexes", () => {
    const value = (text: string) => {
      const { ast } = parseFormula(text);
      return ast?.kind === "string" ? ast.value : undefined;
    };
    expect(value(String.raw`"a\"b"`)).toBe('a"b');
    expect(value(String.raw`'it\'s'`)).toBe("it's");
    expect(value(`"it's"`)).toBe("it's");
    expect(value(`'say "hi"'`)).toBe('say "hi"');
    expect(value(String.raw`"tab\there\nnew"`)).toBe("tab\there\nnew");
    expect(value(String.raw`"back\\slash"`)).toBe("back\\slash");
    expect(value(String.raw`"\u00e9t\u00E9"`)).toBe("été");
    expect(value(String.raw`"\d+\.\w"`)).toBe(String.raw`\d+\.\w`);
  });

  it("reads column references: bare, backticks and val()", () => {
    expect(tree("amount")).toBe("[amount]");
    expect(tree("_x1")).toBe("[_x1]");
    expect(tree("prénom")).toBe("[prénom]");
    expect(tree("`unit price`")).toBe("[unit price]");
    expect(tree("`a``b`")).toBe("[a`b]");
    expect(tree('val("unit price")')).toBe("[unit price]");
    expect(tree("val('it''s')".replace("''", "\\'"))).toBe("[it's]");
  });

  it("follows operator precedence and associativity", () => {
    expect(tree("1 + 2 * 3")).toBe("(1 + (2 * 3))");
    expect(tree("(1 + 2) * 3")).toBe("((1 + 2) * 3)");
    expect(tree("10 - 2 - 3")).toBe("((10 - 2) - 3)");
    expect(tree("8 / 4 / 2")).toBe("((8 / 4) / 2)");
    expect(tree("a % 3 + 1")).toBe("(([a] % 3) + 1)");
    expect(tree("-a * b")).toBe("((-[a]) * [b])");
    expect(tree("a + b > c * 2")).toBe("(([a] + [b]) > ([c] * 2))");
    expect(tree("a > 1 && b < 2 || c")).toBe("((([a] > 1) && ([b] < 2)) || [c])");
    expect(tree("a || b && c")).toBe("([a] || ([b] && [c]))");
    expect(tree("a or b and not c")).toBe("([a] || ([b] && (![c])))");
    expect(tree("!a == b")).toBe("(!([a] == [b]))");
    expect(tree("not a && b")).toBe("((![a]) && [b])");
    expect(tree("a <> b")).toBe("([a] != [b])");
    expect(tree("+a")).toBe("[a]");
    expect(tree("- -a")).toBe("(-(-[a]))");
  });

  it("parses calls and method-call sugar", () => {
    expect(tree("upper(name)")).toBe("upper([name])");
    expect(tree("now()")).toBe("now()");
    expect(tree("substring(s, 1, 3)")).toBe("substring([s], 1, 3)");
    expect(tree("name.upper()")).toBe("upper([name])");
    expect(tree("name.trim().substring(1, 2)")).toBe("substring(trim([name]), 1, 2)");
    expect(tree("`a b`.length() + 1")).toBe("(length([a b]) + 1)");
    expect(tree('"x".upper()')).toBe('upper("x")');
    expect(tree("3.abs()")).toBe("abs(3)");
    expect(tree("-x.abs()")).toBe("(-abs([x]))");
    expect(tree("(a + b).round(2)")).toBe("round(([a] + [b]), 2)");
    expect(tree("and(a, b)")).toBe("and([a], [b])");
    expect(tree("not(a)")).toBe("(![a])");
  });

  it("keeps the span of every node", () => {
    const { ast } = parseFormula("  upper( name )  ");
    expect(ast).toMatchObject({ kind: "call", start: 2, end: 15, nameStart: 2, nameEnd: 7 });
    expect(ast?.kind === "call" && ast.args[0]).toMatchObject({ kind: "column", start: 9, end: 13 });
  });

  it("points at an unclosed call and says where it was opened", () => {
    const e = error("concat(a, substring(b, 1, 2)");
    expect(e.message).toBe("Expected ')' to close the call to 'concat' opened at 1:7");
    expect(e.text).toBe("(");
    expect(error("upper(name").message).toBe("Expected ')' to close the call to 'upper' opened at 1:6");
    expect(error("x +\n  substring(s, 1").message).toBe(
      "Expected ')' to close the call to 'substring' opened at 2:12",
    );
  });

  it("explains other syntax errors at the right token", () => {
    expect(error("")).toMatchObject({ message: expect.stringContaining("The formula is empty") });
    expect(error("a +")).toMatchObject({
      message: "Expected a value after '+', found the end of the formula",
      text: "+",
    });
    expect(error("a = 1")).toMatchObject({ message: expect.stringContaining("Use '=='"), text: "=" });
    expect(error("a & b")).toMatchObject({ message: expect.stringContaining("'&&'"), text: "&" });
    expect(error("a | b")).toMatchObject({ message: expect.stringContaining("'||'"), text: "|" });
    expect(error("a b")).toMatchObject({
      message: "Unexpected 'b' after a complete expression: is an operator missing?",
      text: "b",
    });
    expect(error("(a + b")).toMatchObject({
      message: "Expected ')' to close the '(' opened at 1:1",
      text: "(",
    });
    expect(error("a + b)")).toMatchObject({ message: expect.stringContaining("no '(' to close"), text: ")" });
    expect(error("f(a b)")).toMatchObject({
      message: "Expected ',' or ')' in the call to 'f' opened at 1:2, found 'b'",
      text: "b",
    });
    expect(error("f(a,)")).toMatchObject({ message: expect.stringContaining("Trailing ','"), text: "," });
    expect(error("f(,a)")).toMatchObject({ message: expect.stringContaining("Missing argument"), text: "," });
    expect(error('"abc')).toMatchObject({
      message: 'Unterminated string starting at 1:1: add the closing "',
    });
    expect(error("'abc\\'")).toMatchObject({ message: expect.stringContaining("Unterminated string") });
    expect(error("`abc")).toMatchObject({ message: expect.stringContaining("Unterminated `column name`") });
    expect(error("``")).toMatchObject({ message: expect.stringContaining("Empty column name") });
    expect(error("a # b")).toMatchObject({ message: "Unexpected character '#'", text: "#" });
    expect(error("a.")).toMatchObject({
      message: expect.stringContaining("Expected a function name after '.'"),
    });
    expect(error("a.upper")).toMatchObject({ message: expect.stringContaining("need parentheses") });
    expect(error("2x")).toMatchObject({ message: expect.stringContaining("backticks") });
    expect(error("arr[0]")).toMatchObject({ message: expect.stringContaining("split(") });
    expect(error("a == == b")).toMatchObject({ text: "==" });
    expect(error("val(name)")).toMatchObject({
      message: expect.stringContaining("val() takes the column name"),
    });
    expect(error('"\\u12"')).toMatchObject({ message: expect.stringContaining("4 hexadecimal digits") });
    expect(error("()")).toMatchObject({ message: expect.stringContaining("Empty parentheses") });
    expect(error("and")).toMatchObject({ message: "Expected a value before 'and'" });
  });
});
