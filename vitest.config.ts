import { defineConfig } from "vitest/config";

// One runner, three kinds of tests, told apart by their file names:
//   *.test.ts      unit: pure, no services
//   *.int.test.ts  integration: real Postgres, Redis, DuckDB, Azurite, Databricks emulator
//   *.e2e.test.ts  end to end: the built studio + worker driven through headless Chromium
const exclude = ["**/node_modules/**", "**/.next/**", "**/dist/**"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{apps,packages,scripts}/**/*.test.ts"],
          exclude: [...exclude, "**/*.int.test.ts", "**/*.e2e.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["{apps,packages,scripts}/**/*.int.test.ts"],
          exclude,
          // In CI, missing services fail the run instead of skipping (see the file); one Spark
          // process for every Databricks emulator of the run (see the file).
          globalSetup: ["scripts/lib/require-services.ts", "packages/spark-local/src/shared-global-setup.ts"],
          setupFiles: ["packages/databricks-emulator/test/spark-from-env.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["apps/**/e2e/**/*.e2e.test.ts"],
          exclude,
          globalSetup: ["scripts/lib/require-services.ts", "packages/spark-local/src/shared-global-setup.ts"],
          setupFiles: ["packages/databricks-emulator/test/spark-from-env.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
