import "server-only";
import type { RecipeSpec } from "@sous/contracts";
import { ctx } from "../context.ts";
import { createJob } from "../services/jobs.ts";
import { createRecipe } from "../services/recipes.ts";
import { uploadCsvDataset } from "../services/upload-dataset.ts";
import { generateRetailData } from "./retail-data.ts";

export const DEMO_PROJECT_KEY = "RETAIL";

const topCustomers: RecipeSpec = {
  kind: "group",
  version: 1,
  params: {
    keys: ["customer_id"],
    aggregations: [
      { column: "amount", fn: "sum", as: "revenue" },
      { column: "order_date", fn: "max", as: "last_order" },
      { column: "product_id", fn: "countDistinct", as: "distinct_products" },
    ],
    globalCount: true,
  },
};

/**
 * Creates the "Retail demo" project once: four generated datasets and a flow computing revenue
 * per customer, built by a first job. It has no members: administrators see every project.
 */
export async function seedDemoProject(): Promise<void> {
  const { db } = ctx();
  if (await db.project.findUnique({ where: { key: DEMO_PROJECT_KEY } })) return;
  const project = await db.project.create({
    data: {
      key: DEMO_PROJECT_KEY,
      name: "Retail demo",
      description:
        "Customers, products, orders and campaigns of a small shop, and the customers that bring the most revenue.",
    },
  });
  const data = generateRetailData();
  const ids: Record<string, string> = {};
  for (const [name, csv] of Object.entries(data)) {
    const d = await uploadCsvDataset({
      projectId: project.id,
      name,
      contentType: "text/csv",
      contentLength: String(Buffer.byteLength(csv)),
      body: new Blob([csv]).stream(),
    });
    ids[name] = d.id;
  }
  const recipe = await createRecipe(project.id, {
    name: "revenue_per_customer",
    inputs: [ids.orders!],
    output: { name: "customer_revenue" },
    spec: topCustomers,
  });
  await createJob(null, project.id, { targets: recipe.outputs, mode: "build-only-this" });
  console.log(`[sous] seeded the ${DEMO_PROJECT_KEY} demo project`);
}
