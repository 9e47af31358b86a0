import { Spinner } from "@/ui/panel.tsx";

// Shown under the top bar while a page's server data loads, so navigation answers at once.
export default function Loading() {
  return (
    <div className="page-loading">
      <Spinner label="Loading page" />
    </div>
  );
}
