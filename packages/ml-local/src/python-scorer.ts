import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { AppError } from "@sous/contracts";
import type { MlTask } from "@sous/ml";
import { z } from "zod";
import { defaultPython } from "./python-env.ts";
import { pythonModuleSpawnOptions } from "./python-module.ts";

// A small pool of long-lived Python processes (python/sous_ml/serve.py) that score rows with
// fitted scikit-learn pipelines: for models that have no portable form, which the API node cannot
// score in-process. Each process answers one JSON line per request, in order; a request goes to the
// process with the fewest waiting, and a process that dies is replaced at the next request (its
// waiting requests fail with a message, not a hang).

export interface PythonModel {
  /** A local path to the pipeline (model.pkl). */
  pickle: string;
  task: MlTask;
  classes: readonly (string | number | boolean)[] | null;
  /** The trainer's features, in its order (the pipeline's columns). */
  features: readonly { name: string; type: "numeric" | "categorical" | "text" | "date" }[];
}

export interface PythonScores {
  predictions: (string | number | boolean | null)[];
  /** Per row, per class in the model's classes order; absent for regression. */
  probabilities?: number[][];
}

export interface PythonScorerOptions {
  python?: string;
  /** Processes (default 2). */
  size?: number;
  /** A request that has not been answered after this long fails and its process is replaced. */
  timeoutMs?: number;
  onLog?: (line: string) => void;
}

const AnswerSchema = z.object({
  id: z.number(),
  predictions: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  probabilities: z.array(z.array(z.number())).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

interface Waiting {
  resolve: (s: PythonScores) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

class ScoringProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly waiting = new Map<number, Waiting>();
  alive = true;

  constructor(python: string, onExit: (p: ScoringProcess) => void, onLog: (line: string) => void) {
    this.child = spawn(python, ["-m", "sous_ml.serve"], {
      ...pythonModuleSpawnOptions(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.answer(line));
    createInterface({ input: this.child.stderr }).on("line", onLog);
    const end = (why: string) => {
      if (!this.alive) return;
      this.alive = false;
      for (const w of this.waiting.values()) {
        clearTimeout(w.timer);
        w.reject(new AppError("unavailable", `the Python scoring process ${why}`));
      }
      this.waiting.clear();
      onExit(this);
    };
    this.child.on("error", (e) => end(`could not start: ${e.message}`));
    this.child.on("exit", (code, signal) => end(`stopped (${signal ?? `exit ${code}`})`));
    this.child.stdin.on("error", () => {}); // a dead process: reported by "exit"
  }

  private answer(line: string) {
    let parsed: z.infer<typeof AnswerSchema>;
    try {
      parsed = AnswerSchema.parse(JSON.parse(line));
    } catch {
      return; // not an answer (a library printing to stdout)
    }
    const w = this.waiting.get(parsed.id);
    if (!w) return;
    this.waiting.delete(parsed.id);
    clearTimeout(w.timer);
    if (parsed.error)
      w.reject(
        new AppError(
          parsed.error.code === "invalid_input" ? "invalid_input" : "engine_error",
          parsed.error.message,
        ),
      );
    else w.resolve({ predictions: parsed.predictions ?? [], probabilities: parsed.probabilities });
  }
}

export class PythonScorer {
  private readonly processes: ScoringProcess[] = [];
  private nextId = 1;
  private closed = false;
  private readonly python: string;
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly onLog: (line: string) => void;

  constructor(options: PythonScorerOptions = {}) {
    this.python = options.python ?? defaultPython;
    this.size = Math.max(1, options.size ?? 2);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.onLog = options.onLog ?? (() => {});
  }

  /** Whether the Python environment exists (scoring needs `node scripts/bootstrap.mjs` first). */
  get available(): boolean {
    return existsSync(this.python);
  }

  /** Started lazily: a node that serves only portable models never starts Python. */
  private pick(): ScoringProcess {
    if (this.processes.length < this.size) {
      const p = new ScoringProcess(
        this.python,
        (gone) => {
          const i = this.processes.indexOf(gone);
          if (i >= 0) this.processes.splice(i, 1);
        },
        this.onLog,
      );
      this.processes.push(p);
      return p;
    }
    return this.processes.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
  }

  /** Scores rows; rejects with an AppError (invalid_input names the feature). */
  score(model: PythonModel, rows: readonly Record<string, unknown>[]): Promise<PythonScores> {
    if (this.closed) return Promise.reject(new AppError("unavailable", "the Python scorer is closed"));
    if (!this.available)
      return Promise.reject(
        new AppError(
          "unavailable",
          `no Python environment at ${this.python}: run \`node scripts/bootstrap.mjs\` to score this model`,
        ),
      );
    const p = this.pick();
    const id = this.nextId++;
    return new Promise<PythonScores>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A stuck process would hold every request behind it: replace it.
        p.child.kill("SIGKILL");
        reject(new AppError("unavailable", `the Python scorer did not answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      p.waiting.set(id, { resolve, reject, timer });
      p.child.stdin.write(
        `${JSON.stringify({
          id,
          model: model.pickle,
          task: model.task,
          classes: model.classes,
          features: model.features.map((f) => ({ name: f.name, type: f.type })),
          rows,
        })}\n`,
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.processes.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (!p.alive) return resolve();
            p.child.once("exit", () => resolve());
            p.child.stdin.end();
            setTimeout(() => p.child.kill("SIGKILL"), 2000).unref();
          }),
      ),
    );
  }
}
