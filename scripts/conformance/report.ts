import type { CompiledCase } from "./compile-case.ts";

/** Tallies per case, per source and per subject (step type, recipe kind, formula function). */
export type Verdict = "equal" | "flagged" | "unflagged";

export interface SubjectCount {
  fullEqual: number;
  fullDiff: number;
  partialEqual: number;
  partialDiff: number;
  none: number;
}

export class Report {
  equal = 0;
  flagged = 0;
  unflagged = 0;
  readonly unflaggedLines: string[] = [];
  readonly flaggedLines: string[] = [];
  readonly perSource = new Map<
    string,
    { cases: number; equal: number; flagged: number; unflagged: number; skipped: number }
  >();
  readonly perSubject = new Map<string, SubjectCount>();
  readonly skipped = new Map<string, string[]>();

  private source(name: string) {
    let s = this.perSource.get(name);
    if (!s) {
      s = { cases: 0, equal: 0, flagged: 0, unflagged: 0, skipped: 0 };
      this.perSource.set(name, s);
    }
    return s;
  }

  skip(cc: CompiledCase) {
    this.source(cc.c.source).skipped++;
    const reason = cc.skipped!.replace(/"[^"]*"|'[^']*'|`[^`]*`/g, "…").slice(0, 160);
    this.skipped.set(reason, [...(this.skipped.get(reason) ?? []), cc.c.name]);
  }

  add(cc: CompiledCase, label: string, diff: string | null) {
    const src = this.source(cc.c.source);
    src.cases++;
    let verdict: Verdict;
    if (!diff) verdict = "equal";
    else if (cc.duckNone || cc.partial.length > 0) verdict = "flagged";
    else verdict = "unflagged";
    this[verdict]++;
    src[verdict]++;
    if (verdict === "unflagged") this.unflaggedLines.push(`UNFLAGGED  ${cc.c.name} [${label}]: ${diff}`);
    if (verdict === "flagged")
      this.flaggedLines.push(
        `flagged    ${cc.c.name} [${label}]: ${diff} (${cc.duckNone ? `not run on DuckDB: ${cc.duckNone}` : cc.partial.join("; ")})`,
      );
    for (const [subject, level] of cc.subjects) {
      let s = this.perSubject.get(subject);
      if (!s) {
        s = { fullEqual: 0, fullDiff: 0, partialEqual: 0, partialDiff: 0, none: 0 };
        this.perSubject.set(subject, s);
      }
      if (level === "none" || cc.duckNone) s.none++;
      else if (level === "full") diff ? s.fullDiff++ : s.fullEqual++;
      else diff ? s.partialDiff++ : s.partialEqual++;
    }
  }

  printSubjects(out: (line: string) => void) {
    out("[conformance] verdicts per step type / recipe kind / function (DuckDB), cases x ANSI settings:");
    out("  full: equal / DIFF   partial: equal / diff   none   subject");
    const rows = [...this.perSubject.entries()].sort(
      ([a, x], [b, y]) => y.fullDiff - x.fullDiff || (a < b ? -1 : 1),
    );
    for (const [subject, s] of rows) {
      const wrong =
        s.fullDiff > 0
          ? "  <- wrong `full` verdict"
          : s.partialDiff === 0 && s.partialEqual > 0
            ? "  (partial, never differed)"
            : "";
      out(
        `  ${pad(s.fullEqual)} / ${pad(s.fullDiff, 4)}   ${pad(s.partialEqual, 7)} / ${pad(s.partialDiff, 4)}   ${pad(s.none, 4)}   ${subject}${wrong}`,
      );
    }
  }

  printSources(out: (line: string) => void) {
    out("[conformance] per source (cases x ANSI settings):");
    for (const [name, s] of this.perSource)
      out(
        `  ${name}: ${s.cases} cases, ${s.equal} equal, ${s.flagged} flagged, ${s.unflagged} unflagged` +
          (s.skipped ? `; ${s.skipped} recipes not run (see below)` : ""),
      );
    if (this.skipped.size > 0) {
      out("[conformance] recipes not run (compile error or blocked on Spark):");
      for (const [reason, names] of this.skipped) out(`  ${names.length} x ${reason}  e.g. ${names[0]}`);
    }
  }
}

const pad = (n: number, w = 5) => String(n).padStart(w);
