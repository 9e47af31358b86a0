// Vitest setup file of the integration and e2e projects (the test boundary): reads the run's
// Spark settings from the environment once (SOUS_SPARK_SOCKET, which
// @sous/spark-local/src/shared-global-setup.ts sets for the run, SOUS_SPARK_DRIVER_MEMORY,
// JAVA_HOME) and makes them the default of every emulator these tests start.
import { setDefaultSparkProcess, sparkProcessOptionsFromEnv } from "../src/spark-engine.ts";

setDefaultSparkProcess(sparkProcessOptionsFromEnv(process.env));
