export { type BuildPlan, type ProducerLink, planBuildOnlyThis } from "./plan-build.ts";
