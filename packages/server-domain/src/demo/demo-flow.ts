import { type RecipeSpec, RecipeSpecSchema } from "@sous/contracts";

// The retail demo's Flow, as data: the three questions of the retail use case (top customers,
// top products, best campaigns), each answered by a chain of visual recipes (group, join with the
// reference table for names, top-n) ending in a dataset named after the question. Pure, so the
// seed, the Flow's banner and the demo's test share one definition.

export const DEMO_PROJECT_KEY = "RETAIL";

export interface DemoQuestion {
  question: string;
  /** The dataset holding the answer. */
  dataset: string;
  /** What the dataset holds, in a few words. */
  answer: string;
}

export const DEMO_QUESTIONS: readonly DemoQuestion[] = [
  {
    question: "Who are the top customers?",
    dataset: "top_customers",
    answer: "the 10 customers with the most revenue",
  },
  {
    question: "Which products sell best?",
    dataset: "top_products",
    answer: "the 10 products with the most revenue",
  },
  {
    question: "Which campaigns pay off best?",
    dataset: "best_campaigns",
    answer: "the 5 campaigns with the most revenue per unit of budget",
  },
];

export interface DemoRecipe {
  name: string;
  /** Dataset names: the generated inputs or an earlier recipe's output. */
  inputs: string[];
  output: string;
  spec: RecipeSpec;
}

// What the schema accepts before its defaults (zod's z.input, without a zod dependency here).
type SpecInput = (typeof RecipeSpecSchema)["_zod"]["input"];
// Parsed here, so a spec that no longer matches its schema fails the demo's test, not a seed.
const spec = (s: SpecInput): RecipeSpec => RecipeSpecSchema.parse(s);

/** Revenue per `key` from the orders, then names from `reference`, then the top `n` by `by`. */
function chain(o: {
  subject: string;
  key: string;
  /** Aggregations as formulas, so revenue is rounded to cents (a sum of doubles is not). */
  aggregations: { formula: string; as: string }[];
  reference: string;
  dropColumns: string[];
  computed?: { name: string; formula: string }[];
  by: string;
  n: number;
  output: string;
}): DemoRecipe[] {
  const grouped = `${o.subject}_revenue`;
  const named = `${o.subject}s_with_revenue`;
  return [
    {
      name: `revenue_per_${o.subject}`,
      inputs: ["orders"],
      output: grouped,
      spec: spec({
        kind: "group",
        version: 1,
        params: { keys: [o.key], aggregations: [], customAggregations: o.aggregations, globalCount: false },
      }),
    },
    {
      name: `add_${o.subject}_details`,
      // The reference first, so its id and name lead the answer's columns.
      inputs: [o.reference, grouped],
      output: named,
      spec: spec({
        kind: "join",
        version: 1,
        params: {
          // Inner: orders without a campaign (a NULL key) have no campaign to rank.
          type: "inner",
          on: [{ left: o.key, right: o.key }],
          leftColumns: o.dropColumns.map((column) => ({ column, keep: false })),
          ...(o.computed ? { computed: o.computed } : {}),
        },
      }),
    },
    {
      name: `rank_${o.subject}s`,
      inputs: [named],
      output: o.output,
      spec: spec({
        kind: "topN",
        version: 1,
        // rank, not rowNumber: ties are all kept, so both engines give the same rows.
        params: {
          orderBy: [{ column: o.by, direction: "desc" }],
          n: o.n,
          ranking: "rank",
          rankColumn: "rank",
        },
      }),
    },
  ];
}

export const DEMO_RECIPES: readonly DemoRecipe[] = [
  ...chain({
    subject: "customer",
    key: "customer_id",
    aggregations: [
      { formula: "round(sum(amount), 2)", as: "revenue" },
      { formula: "count(order_id)", as: "orders" },
      { formula: "max(order_date)", as: "last_order" },
    ],
    reference: "customers",
    dropColumns: ["email", "signup_date"],
    by: "revenue",
    n: 10,
    output: "top_customers",
  }),
  ...chain({
    subject: "product",
    key: "product_id",
    aggregations: [
      { formula: "round(sum(amount), 2)", as: "revenue" },
      { formula: "sum(quantity)", as: "units" },
      { formula: "countDistinct(customer_id)", as: "customers" },
    ],
    reference: "products",
    dropColumns: [],
    by: "revenue",
    n: 10,
    output: "top_products",
  }),
  ...chain({
    subject: "campaign",
    key: "campaign_id",
    aggregations: [
      { formula: "round(sum(amount), 2)", as: "revenue" },
      { formula: "count(order_id)", as: "orders" },
    ],
    reference: "campaigns",
    dropColumns: ["start_date", "end_date"],
    computed: [{ name: "revenue_per_budget", formula: "round(revenue / budget, 2)" }],
    by: "revenue_per_budget",
    n: 5,
    output: "best_campaigns",
  }),
];
