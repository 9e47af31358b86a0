// Preloaded (`node --import`) into every process scripts/lib/supervisor.ts starts: a supervised
// child must never outlive its supervisor. Plain JavaScript, because `next start` runs on plain node.
//
// Two ways to notice the supervisor is gone, whichever comes first:
//  - a write to stdout/stderr fails (EPIPE: nobody reads the pipe any more). Handling the stream's
//    'error' also stops the loop that made an orphaned `next start` spin at 100 % CPU: with no
//    listener the EPIPE became an uncaughtException, which Next logs to the same broken pipe, ...
//  - the parent pid changes (the supervisor was killed with -9 and this process was re-parented),
//    checked twice a second: an idle server writes nothing and would never see the EPIPE.
// Then the process gets SIGTERM (its own graceful shutdown) and is gone at most 2 s later.
import { isMainThread } from "node:worker_threads";

const supervisor = Number(process.env.SOUS_SUPERVISOR_PID);
// Only the process the supervisor spawned itself; not its worker threads, nor a process it forks
// with the same node flags (its parent is not the supervisor).
if (isMainThread && supervisor > 0 && process.ppid === supervisor) {
  delete process.env.SOUS_SUPERVISOR_PID;
  let leaving = false;
  const leave = () => {
    if (leaving) return;
    leaving = true;
    clearInterval(poll);
    setTimeout(() => process.exit(1), 2000).unref();
    process.kill(process.pid, "SIGTERM");
  };
  // Also keeps any later EPIPE (the app's own shutdown logging) from becoming an uncaughtException.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", leave);
  const poll = setInterval(() => {
    if (process.ppid !== supervisor) leave();
  }, 500);
  poll.unref();
}
