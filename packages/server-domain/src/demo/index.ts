// The retail demo, as data: its Flow (questions and recipes) and its generated tables. Pure, and
// a subpath of its own (@sous/server-domain/demo) so that the studio's pages and the worker's
// tests take it without the Prisma-backed rest of the package. The seed that writes it into a
// project stays in the studio (it goes through the studio's services).
export {
  DEMO_PROJECT_KEY,
  DEMO_QUESTIONS,
  DEMO_RECIPES,
  type DemoQuestion,
  type DemoRecipe,
} from "./demo-flow.ts";
export { generateRetailData, type RetailData } from "./retail-data.ts";
