import type { DemoQuestion } from "@sous/server-domain/demo";
import Link from "next/link";
import { TableIcon } from "@/ui/icons.tsx";
import "./demo-banner.css";

/**
 * The demo project's three questions, each with a link to the dataset that answers it, so a first
 * visit knows what the Flow is for and where to look. A dataset renamed or deleted since the seed
 * is named without a link.
 */
export function DemoBanner({
  projectId,
  questions,
  datasetIds,
}: {
  projectId: string;
  questions: readonly DemoQuestion[];
  datasetIds: ReadonlyMap<string, string>;
}) {
  return (
    <section className="demo-banner" aria-label="What this demo answers" data-testid="demo-banner">
      <span className="demo-banner-lead">This demo answers three questions:</span>
      <ol className="demo-banner-list">
        {questions.map((q) => {
          const id = datasetIds.get(q.dataset);
          const name = (
            <>
              <TableIcon size={13} />
              <span className="mono">{q.dataset}</span>
            </>
          );
          return (
            <li key={q.dataset} title={`${q.dataset}: ${q.answer}`}>
              <span className="demo-banner-q">{q.question}</span>
              {id ? (
                <Link
                  href={`/projects/${projectId}/datasets/${id}`}
                  className="demo-banner-answer"
                  data-testid={`demo-answer-${q.dataset}`}
                >
                  {name}
                </Link>
              ) : (
                <span className="demo-banner-answer" data-testid={`demo-answer-${q.dataset}`}>
                  {name}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
