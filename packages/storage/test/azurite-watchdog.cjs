// Preloaded into the Azurite child (via NODE_OPTIONS) by azurite.ts: exit when the process that
// started us is gone, so a test runner killed with SIGKILL never leaves Azurite running.
const parent = Number(process.env.SOUS_AZURITE_PARENT_PID);
if (Number.isInteger(parent) && parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 500).unref();
}
