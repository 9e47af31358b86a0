// The parse tree dt-sql-parser builds for SparkSQL (antlr4ng), as much of it as the translation
// reads, and the walker that renders it back as DuckDB text. The walker keeps the query's own
// spacing (the text between tokens) so that a rendered query reads like the one the user wrote.

/** A parse-tree node (a rule or a token). */
export interface Node {
  readonly children?: readonly Node[] | null;
  readonly ruleIndex?: number;
  readonly start?: { readonly start: number } | null;
  readonly stop?: { readonly stop: number } | null;
  readonly symbol?: {
    readonly text?: string;
    readonly start: number;
    readonly stop: number;
    readonly type: number;
  };
}

/** What the translation cannot render faithfully, as code-point offsets into the checked text. */
export class Untranslatable extends Error {
  override readonly name = "Untranslatable";
  constructor(
    readonly start: number,
    readonly end: number,
    message: string,
  ) {
    super(message);
  }
}

export type Handler = (n: Node, t: Translator) => string;

/** Renders nodes; `handlers` (by rule name) decide, everything else must be in `passRules`. */
export class Translator {
  private readonly codePoints: readonly string[];

  constructor(
    text: string,
    private readonly rules: readonly string[],
    private readonly handlers: Readonly<Record<string, Handler>>,
    private readonly passRules: ReadonlySet<string>,
    private readonly passToken: (text: string) => boolean,
  ) {
    this.codePoints = Array.from(text);
  }

  rule(n: Node | undefined | null): string | undefined {
    return n && n.ruleIndex !== undefined && !n.symbol ? this.rules[n.ruleIndex] : undefined;
  }

  kids(n: Node): readonly Node[] {
    return n.children ?? [];
  }

  /** The node's extent [start, end); empty rules (no token) have end <= start. */
  span(n: Node): { start: number; end: number } {
    if (n.symbol) return { start: n.symbol.start, end: n.symbol.stop + 1 };
    const start = n.start?.start ?? 0;
    const end = n.stop ? n.stop.stop + 1 : start;
    return { start, end };
  }

  /** The node's source text (comments already blanked by the checker). */
  source(n: Node): string {
    const { start, end } = this.span(n);
    return end > start ? this.codePoints.slice(start, end).join("") : "";
  }

  fail(n: Node, message: string): never {
    const { start, end } = this.span(n);
    throw new Untranslatable(start, Math.max(end, start + 1), message);
  }

  /** The first rule child named `name`. */
  child(n: Node, name: string): Node | undefined {
    return this.kids(n).find((k) => this.rule(k) === name);
  }

  children(n: Node, name: string): Node[] {
    return this.kids(n).filter((k) => this.rule(k) === name);
  }

  /** The upper-cased texts of the node's direct tokens, e.g. ["LEFT", "ANTI"]. */
  tokens(n: Node): string[] {
    return this.kids(n)
      .filter((k) => k.symbol)
      .map((k) => (k.symbol?.text ?? "").toUpperCase());
  }

  hasToken(n: Node, text: string): boolean {
    return this.kids(n).some((k) => k.symbol?.text?.toUpperCase() === text);
  }

  /** Every token under the node, in order. */
  leaves(n: Node): Node[] {
    if (n.symbol) return n.symbol.type === -1 ? [] : [n];
    return this.kids(n).flatMap((k) => this.leaves(k));
  }

  /** Follows single-child rules down to the node that says something, e.g. expression -> constant. */
  unwrap(n: Node): Node {
    let cur = n;
    while (!cur.symbol && this.kids(cur).length === 1 && !this.kids(cur)[0]!.symbol) cur = this.kids(cur)[0]!;
    return cur;
  }

  render(n: Node): string {
    if (n.symbol) {
      const text = n.symbol.text ?? "";
      if (n.symbol.type === -1) return "";
      if (!this.passToken(text))
        this.fail(n, `${text} cannot run locally: the Spark -> DuckDB translation does not know it.`);
      return text;
    }
    const r = this.rule(n) ?? "?";
    const handler = this.handlers[r];
    if (handler) return handler(n, this);
    if (!this.passRules.has(r)) {
      const text = this.source(n).trim().slice(0, 60);
      this.fail(
        n,
        `"${text}" cannot run locally: the Spark -> DuckDB translation does not handle this ${r} construct.`,
      );
    }
    return this.join(this.kids(n));
  }

  /**
   * Renders nodes in order with the source text between them, `replace` rendering some of them
   * differently (a string) or leaving them out (""), with the gap before them kept.
   */
  join(nodes: readonly Node[], replace?: (n: Node) => string | undefined): string {
    let out = "";
    let pos: number | undefined;
    for (const k of nodes) {
      const { start, end } = this.span(k);
      const empty = end <= start;
      if (!empty && pos !== undefined && start > pos) out += this.codePoints.slice(pos, start).join("");
      out += replace?.(k) ?? this.render(k);
      if (!empty) pos = end;
    }
    return out;
  }
}
