// bench/job-events.ts: live job progress (Server-Sent Events) woken by the job triggers' NOTIFY,
// against the 300 ms poll it replaced, in one process, with the studio's own stream functions on a
// real Postgres:
//   1. latency from a committed row change (an activity's rows written) to its `progress` event
//   2. database queries made by idle streams (a job that runs but does not change)
// The poll baseline is the same stream with a listener that never listens: exactly the old loop.
// Run: pnpm exec tsx bench/job-events.ts   (DATABASE_URL's server gets a database sous_bench_events,
// dropped at the end)
import { createDb, createJobChangeListener, type Db, type JobChangeListener } from "@sous/db";
import pg from "pg";
import { jobEventStream } from "../apps/studio/src/server/services/job-events.ts";
import { benchDatabase, ms, pct } from "./lib/bench-setup.ts";

const databaseUrl = await benchDatabase("sous_bench_events");

// Every query the streams make goes through this client: count them.
let queries = 0;
const db = createDb({ databaseUrl }).$extends({
  query: {
    async $allOperations({ args, query }) {
      queries++;
      return query(args);
    },
  },
}) as unknown as Db;

const listener = createJobChangeListener({ databaseUrl });
const neverListens: JobChangeListener = {
  subscribe: () => () => {},
  listening: false,
  close: async () => {},
};

const project = await db.project.create({ data: { key: `BE${Date.now() % 1e8}`, name: "bench" } });
async function runningJob(): Promise<string> {
  const job = await db.job.create({
    data: { projectId: project.id, mode: "smart", targets: [], state: "RUNNING", startedAt: new Date() },
  });
  await db.jobActivity.create({
    data: {
      jobId: job.id,
      position: 0,
      recipeId: "r",
      outputDatasetId: "d",
      engine: "local",
      state: "RUNNING",
    },
  });
  return job.id;
}

/** Opens a job's event stream and calls `onProgress` with the rows written of each progress event. */
function openStream(changes: JobChangeListener, jobId: string, onProgress: (rows: number) => void) {
  const ctl = new AbortController();
  const res = jobEventStream(
    { db, jobChanges: changes },
    { projectId: project.id, jobId, signal: ctl.signal },
  );
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = frame.split("\n").find((l) => l.startsWith("data: "));
        if (!frame.includes("event: progress") || !data) continue;
        const p = JSON.parse(data.slice(6)).progress as { rowsWritten: number };
        onProgress(p.rowsWritten);
      }
    }
  })();
  return () => ctl.abort();
}

async function latency(changes: JobChangeListener, updates: number): Promise<number[]> {
  const jobId = await runningJob();
  let seen = -1;
  const close = openStream(changes, jobId, (rows) => {
    seen = rows;
  });
  while (seen < 0) await new Promise((r) => setTimeout(r, 5));
  const out: number[] = [];
  for (let i = 1; i <= updates; i++) {
    // Spread the updates so they do not line up with the poll's phase.
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
    await db.jobActivity.updateMany({ where: { jobId }, data: { rowsWritten: BigInt(i) } });
    const t0 = performance.now();
    while (seen !== i) await new Promise((r) => setImmediate(r));
    out.push(performance.now() - t0);
  }
  close();
  return out;
}

async function idleQueries(changes: JobChangeListener, streams: number, seconds: number): Promise<number> {
  const jobs = await Promise.all(Array.from({ length: streams }, runningJob));
  const closers = jobs.map((id) => openStream(changes, id, () => {}));
  await new Promise((r) => setTimeout(r, 1000)); // past the first reads
  const before = queries;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const made = queries - before;
  for (const c of closers) c();
  return made;
}

const UPDATES = 40;
const notify = await latency(listener, UPDATES);
const poll = await latency(neverListens, UPDATES);
console.log(
  `progress event after a row change (${UPDATES} updates): NOTIFY p50 ${ms(pct(notify, 50))}, p95 ${ms(pct(notify, 95))}; 300 ms poll (before) p50 ${ms(pct(poll, 50))}, p95 ${ms(pct(poll, 95))}; p50 ratio ${(pct(notify, 50) / pct(poll, 50)).toFixed(2)}x`,
);
const STREAMS = 20;
const SECONDS = 10;
const idleNotify = await idleQueries(listener, STREAMS, SECONDS);
const idlePoll = await idleQueries(neverListens, STREAMS, SECONDS);
const perMin = (n: number) => ((n / STREAMS / SECONDS) * 60).toFixed(1);
console.log(
  `${STREAMS} idle streams for ${SECONDS} s: NOTIFY ${idleNotify} queries (${perMin(idleNotify)}/min per stream); 300 ms poll (before) ${idlePoll} queries (${perMin(idlePoll)}/min per stream); ratio ${(idleNotify / idlePoll).toFixed(3)}x`,
);
await listener.close();
await db.$disconnect();
const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/sous_bench_events$/, "/postgres") });
await admin.connect();
await admin.query("DROP DATABASE sous_bench_events WITH (FORCE)");
await admin.end();
process.exit(0);
