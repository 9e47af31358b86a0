// bench/cancel.ts: how fast a cancel request reaches the worker running the job, in one process,
// with the worker's own watchCancel on a real Postgres:
//   before: the row polled every 250 ms (the worker's setting until now; no listener)
//   after:  the job_cancel_notify trigger's NOTIFY through the worker's JobCancelListener
// Each sample: a RUNNING job is watched, then after a random 20-320 ms (so the request does not
// line up with the poll's phase) requestJobCancel commits the flag; the time from the request's
// start to onCancel is the latency. Also the queries a watched job makes in 10 s while nobody cancels it.
// Run: pnpm exec tsx bench/cancel.ts   (DATABASE_URL's server gets a database sous_bench_cancel,
// dropped at the end)
import { createDb, createJobCancelListener, type Db, type JobCancelListener } from "@sous/db";
import pg from "pg";
import { watchCancel } from "../apps/worker/src/jobs/build/cancel-watch.ts";
import { requestJobCancel } from "../packages/server-domain/src/index.ts";
import { benchDatabase, ms, pct } from "./lib/bench-setup.ts";

const databaseUrl = await benchDatabase("sous_bench_cancel");

// Every query the watches make goes through this client: count them.
let queries = 0;
const db = createDb({ databaseUrl }).$extends({
  query: {
    async $allOperations({ args, query }) {
      queries++;
      return query(args);
    },
  },
}) as unknown as Db;
const plain = createDb({ databaseUrl }); // the canceller's writes, not counted

const listener = createJobCancelListener({ databaseUrl });
listener.subscribe("-", () => {}); // connect now, not inside the first sample
while (!listener.listening) await new Promise((r) => setTimeout(r, 20));

const project = await plain.project.create({ data: { key: `BC${Date.now() % 1e8}`, name: "bench" } });
const runningJob = async () =>
  (
    await plain.job.create({
      data: { projectId: project.id, mode: "smart", targets: [], state: "RUNNING", startedAt: new Date() },
    })
  ).id;

const POLL_MS = 250; // the worker's poll before this change
const SAFETY_MS = 10_000; // the worker's default safety poll now

async function latency(cancels: JobCancelListener | undefined, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const jobId = await runningJob();
    let firedAt = 0;
    const stop = watchCancel(db, cancels, jobId, { pollMs: POLL_MS, safetyPollMs: SAFETY_MS }, () => {
      firedAt = performance.now();
    });
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
    // From the start of the request: its flag commits inside it, before the queued job check.
    const asked = performance.now();
    await requestJobCancel(plain, jobId);
    while (!firedAt) await new Promise((r) => setImmediate(r));
    out.push(firedAt - asked);
    stop();
  }
  return out;
}

async function idleQueries(cancels: JobCancelListener | undefined, seconds: number): Promise<number> {
  const jobId = await runningJob();
  const stop = watchCancel(db, cancels, jobId, { pollMs: POLL_MS, safetyPollMs: SAFETY_MS }, () => {});
  await new Promise((r) => setTimeout(r, 500)); // past the first read
  const before = queries;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop();
  return queries - before;
}

const SAMPLES = 30;
const notify = await latency(listener, SAMPLES);
const poll = await latency(undefined, SAMPLES);
console.log(
  `cancel request to the worker's onCancel (${SAMPLES} cancels): NOTIFY p50 ${ms(pct(notify, 50))}, p95 ${ms(pct(notify, 95))}, max ${ms(Math.max(...notify))}; ${POLL_MS} ms poll (before) p50 ${ms(pct(poll, 50))}, p95 ${ms(pct(poll, 95))}, max ${ms(Math.max(...poll))}; p50 ratio ${(pct(notify, 50) / pct(poll, 50)).toFixed(3)}x`,
);
const SECONDS = 10;
const idleNotify = await idleQueries(listener, SECONDS);
const idlePoll = await idleQueries(undefined, SECONDS);
console.log(
  `one running job nobody cancels, ${SECONDS} s: NOTIFY ${idleNotify} row reads (safety poll every ${SAFETY_MS / 1000} s); ${POLL_MS} ms poll (before) ${idlePoll} row reads`,
);
await listener.close();
await db.$disconnect();
await plain.$disconnect();
const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/sous_bench_cancel$/, "/postgres") });
await admin.connect();
await admin.query("DROP DATABASE sous_bench_cancel WITH (FORCE)");
await admin.end();
process.exit(0);
