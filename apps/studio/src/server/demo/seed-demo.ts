import "server-only";
import { DEMO_PROJECT_KEY, DEMO_QUESTIONS, DEMO_RECIPES, generateRetailData } from "@sous/server-domain/demo";
import { ctx } from "../context.ts";
import { createJob } from "../services/jobs.ts";
import { createRecipe } from "../services/recipes.ts";
import { uploadCsvDataset } from "../services/upload-dataset.ts";

export { DEMO_PROJECT_KEY };

/**
 * Creates the "Retail demo" project once: four generated datasets and a Flow answering the retail
 * use case's three questions (@sous/server-domain/demo), built by a first job. It has no members:
 * administrators see every project.
 */
export async function seedDemoProject(): Promise<void> {
  const { db } = ctx();
  if (await db.project.findUnique({ where: { key: DEMO_PROJECT_KEY } })) return;
  const project = await db.project.create({
    data: {
      key: DEMO_PROJECT_KEY,
      name: "Retail demo",
      description: `Customers, products, orders and campaigns of a small shop, and three answers: ${DEMO_QUESTIONS.map((q) => q.dataset).join(", ")}.`,
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
  // In order: each recipe reads the generated datasets or an earlier recipe's output.
  for (const r of DEMO_RECIPES) {
    const recipe = await createRecipe(project.id, {
      name: r.name,
      inputs: r.inputs.map((n) => {
        const id = ids[n];
        if (!id) throw new Error(`demo recipe ${r.name} reads ${n}, which no earlier step made`);
        return id;
      }),
      output: { name: r.output },
      spec: r.spec,
    });
    ids[r.output] = recipe.outputs[0]!;
  }
  // One job builds the three answers and everything upstream of them. Not as pipelines: every
  // dataset of the demo is written, so a first visit can open any node, not only the answers.
  await createJob(null, project.id, {
    targets: DEMO_QUESTIONS.map((q) => ids[q.dataset]!),
    mode: "missing-only",
    pipelines: false,
  });
  console.log(`[sous] seeded the ${DEMO_PROJECT_KEY} demo project`);
}
