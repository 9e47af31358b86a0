"use client";

import type { EngineOptions } from "@sous/contracts";
import dynamic from "next/dynamic";
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import type { ClusterAttachment } from "@/shared/api/python-notebook-cluster-endpoints.ts";
import type {
  CellOutputDto,
  IpynbCell,
  KernelInfoDto,
  PythonNotebook,
} from "@/shared/api/python-notebook-schemas.ts";
import { ApiError, apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { FormError } from "@/ui/field.tsx";
import { PlayIcon, PlusIcon, TrashIcon } from "@/ui/icons.tsx";
import { LeaveGuard } from "@/ui/leave-guard.tsx";
import { ClusterAttach } from "./cluster-attach.tsx";

// A Python notebook: Sous's own cells (the SQL notebook's look) over the caller's Jupyter kernel,
// which the studio starts on the first run and talks to (the page only talks to the studio).
// Ctrl+Enter runs a cell; its outputs (text, tables as HTML, PNG images, tracebacks) are kept in
// the .ipynb, saved with the version it was loaded at (a 409 says someone else saved meanwhile).

const PythonEditor = dynamic(() => import("@/ui/python-editor.tsx").then((m) => m.PythonEditor), {
  ssr: false,
  loading: () => <div className="cm-loading" aria-busy="true" style={{ minHeight: "4.5em" }} />,
});

const newCellId = () => `c${globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
const sourceOf = (c: IpynbCell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const multiline = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));

type CodeCell = Extract<IpynbCell, { cell_type: "code" }>;

export function PythonNotebookEditor({
  projectId,
  canEdit,
  initial,
  engineOptions,
  initialCluster,
}: {
  projectId: string;
  canEdit: boolean;
  initial: PythonNotebook;
  /** Databricks compute profiles the cells can run on instead ("Attach to cluster"). */
  engineOptions: EngineOptions;
  initialCluster: ClusterAttachment;
}) {
  const [cluster, setCluster] = useState(initialCluster);
  const [doc, setDoc] = useState(initial.ipynb);
  const [version, setVersion] = useState(initial.version);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [kernel, setKernel] = useState<KernelInfoDto | null>(initial.kernel);
  const [kernelBusy, setKernelBusy] = useState<string | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const kernelRef = useRef(kernel);
  kernelRef.current = kernel;
  const params = { projectId, notebookId: initial.id };

  const edit = (cells: IpynbCell[]) => {
    setDoc((d) => ({ ...d, cells }));
    setDirty(true);
  };
  const setCell = (id: string, f: (c: IpynbCell) => IpynbCell) => {
    setDoc((d) => ({ ...d, cells: d.cells.map((c) => (c.id === id ? f(c) : c)) }));
    setDirty(true);
  };

  const latestDoc = useRef(doc);
  latestDoc.current = doc;
  const save = useCallback(async () => {
    setSaving(true);
    setError(null);
    try {
      const nb = await apiCall("PUT /projects/{projectId}/python-notebooks/{notebookId}", {
        params: { projectId, notebookId: initial.id },
        body: { version, ipynb: latestDoc.current },
      });
      setVersion(nb.version);
      setDirty(false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }, [projectId, initial.id, version]);

  async function ensureKernel(): Promise<KernelInfoDto> {
    if (kernelRef.current) return kernelRef.current;
    setKernelBusy("Starting the kernel…");
    try {
      const k = await apiCall("POST /projects/{projectId}/python-notebooks/{notebookId}/kernel", { params });
      setKernel(k);
      return k;
    } finally {
      setKernelBusy(null);
    }
  }

  async function run(cell: CodeCell) {
    const code = sourceOf(cell);
    if (!code.trim() || running) return;
    setRunning(cell.id);
    setError(null);
    if (cluster.attached) {
      // Attached: the cell runs on the cluster (Command Execution API), not in the local kernel.
      try {
        const r = await apiCall("POST /projects/{projectId}/python-notebooks/{notebookId}/cluster/execute", {
          params,
          body: { code, language: "python" },
        });
        setCell(cell.id, (c) => ({ ...c, outputs: r.outputs, execution_count: r.executionCount }));
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) setCluster({ attached: false });
        setError(errorMessage(e));
      } finally {
        setRunning(null);
      }
      return;
    }
    try {
      let k = await ensureKernel();
      const exec = (kernelId: string) =>
        apiCall("POST /projects/{projectId}/python-notebooks/{notebookId}/kernels/{kernelId}/execute", {
          params: { ...params, kernelId },
          body: { code },
        });
      let r: Awaited<ReturnType<typeof exec>>;
      try {
        r = await exec(k.id);
      } catch (e) {
        // The kernel stopped (idle, or restarted elsewhere): start a new one and run again.
        if (!(e instanceof ApiError && e.status === 404)) throw e;
        kernelRef.current = null;
        setKernel(null);
        k = await ensureKernel();
        r = await exec(k.id);
      }
      setCell(cell.id, (c) => ({ ...c, outputs: r.outputs, execution_count: r.executionCount }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(null);
    }
  }

  async function kernelAction(action: "interrupt" | "restart" | "stop") {
    const k = kernelRef.current;
    if (!k) return;
    const route = `/projects/{projectId}/python-notebooks/{notebookId}/kernels/{kernelId}` as const;
    setError(null);
    if (action !== "interrupt") setKernelBusy(action === "restart" ? "Restarting…" : "Stopping…");
    try {
      if (action === "interrupt")
        await apiCall(`POST ${route}/interrupt`, { params: { ...params, kernelId: k.id } });
      else if (action === "restart")
        setKernel(await apiCall(`POST ${route}/restart`, { params: { ...params, kernelId: k.id } }));
      else {
        await apiCall(`DELETE ${route}`, { params: { ...params, kernelId: k.id } });
        setKernel(null);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setKernel(null);
      else setError(errorMessage(e));
    } finally {
      setKernelBusy(null);
    }
  }

  const latestSave = useRef(save);
  latestSave.current = save;
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") {
        e.preventDefault();
        if (canEdit) void latestSave.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [canEdit]);

  const move = (i: number, by: -1 | 1) => {
    const next = [...doc.cells];
    const [c] = next.splice(i, 1);
    next.splice(i + by, 0, c!);
    edit(next);
  };

  const kernelState = cluster.attached
    ? `Cells run on cluster ${cluster.clusterId}${running ? " (busy)" : ""}`
    : (kernelBusy ??
      (kernel ? `Kernel: ${running ? "busy" : "idle"}` : "No kernel yet (the first run starts one)"));

  return (
    <div className="nb-notebook">
      <LeaveGuard when={canEdit && dirty} message="The notebook's cells are not saved and will be lost." />
      <div className="nb-toolbar">
        {canEdit ? (
          <>
            <Button
              variant="primary"
              onClick={() => void save()}
              loading={saving}
              disabled={!dirty}
              data-testid="notebook-save"
              title="Save the notebook with its outputs (Ctrl+S)"
            >
              Save
            </Button>
            <Button
              icon={<PlusIcon />}
              onClick={() =>
                edit([
                  ...doc.cells,
                  {
                    cell_type: "code",
                    id: newCellId(),
                    source: "",
                    metadata: {},
                    outputs: [],
                    execution_count: null,
                  },
                ])
              }
              data-testid="cell-add"
            >
              Add cell
            </Button>
            <Button
              variant="secondary"
              onClick={() => void kernelAction("interrupt")}
              disabled={!kernel || !running}
              data-testid="kernel-interrupt"
              title="Interrupt the running cell (KeyboardInterrupt)"
            >
              Interrupt
            </Button>
            <Button
              variant="secondary"
              onClick={() => void kernelAction("restart")}
              disabled={!kernel || Boolean(kernelBusy)}
              data-testid="kernel-restart"
              title="Restart the kernel: a fresh Python process, variables lost"
            >
              Restart
            </Button>
            <Button
              variant="ghost"
              onClick={() => void kernelAction("stop")}
              disabled={!kernel || Boolean(kernelBusy) || Boolean(running)}
              data-testid="kernel-stop"
              title="Shut the kernel down (it also stops by itself when unused)"
            >
              Stop kernel
            </Button>
          </>
        ) : null}
        {canEdit ? (
          <ClusterAttach
            projectId={projectId}
            notebookId={initial.id}
            options={engineOptions}
            attachment={cluster}
            onChange={setCluster}
          />
        ) : null}
        <span className="muted" data-testid="notebook-state">
          {dirty ? "Unsaved changes" : `Saved · version ${version}`}
        </span>
        <span className="muted nb-tables" data-testid="kernel-state">
          {kernelState}
        </span>
      </div>
      <FormError message={error} testId="notebook-error" />
      {doc.cells.map((cell, i) => (
        <section className="nb-cell" key={cell.id} data-testid="notebook-cell" aria-label={`Cell ${i + 1}`}>
          <div className="nb-cell-head">
            <span className="nb-cell-num">
              [
              {cell.cell_type === "code" ? (running === cell.id ? "*" : (cell.execution_count ?? " ")) : "md"}
              ]
            </span>
            {canEdit ? (
              <>
                {cell.cell_type === "code" ? (
                  <Button
                    size="sm"
                    variant="primary"
                    icon={<PlayIcon />}
                    onClick={() => void run(cell)}
                    loading={running === cell.id}
                    disabled={Boolean(running) || !sourceOf(cell).trim()}
                    title="Run the cell (Ctrl+Enter)"
                    data-testid="cell-run"
                  >
                    Run
                  </Button>
                ) : null}
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => move(i, -1)}
                  disabled={i === 0}
                  title="Move up"
                >
                  ↑
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => move(i, 1)}
                  disabled={i === doc.cells.length - 1}
                  title="Move down"
                >
                  ↓
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  icon={<TrashIcon />}
                  onClick={() => edit(doc.cells.filter((c) => c.id !== cell.id))}
                  aria-label="Delete cell"
                  title="Delete cell"
                  data-testid="cell-delete"
                />
              </>
            ) : null}
          </div>
          <div
            onKeyDownCapture={(e: KeyboardEvent) => {
              if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && cell.cell_type === "code") {
                e.preventDefault();
                e.stopPropagation();
                if (canEdit) void run(cell);
              }
            }}
          >
            <PythonEditor
              value={sourceOf(cell)}
              onChange={(text) => setCell(cell.id, (c) => ({ ...c, source: text }))}
              ariaLabel={`Code of cell ${i + 1}`}
              testId={`cell-code-${i}`}
              readOnly={!canEdit}
            />
          </div>
          {cell.cell_type === "code" && cell.outputs.length ? (
            <div className="pynb-outputs" data-testid="cell-outputs">
              {/* A run replaces the outputs whole and they never move: their position is their identity. */}
              {cell.outputs.map((o, j) => {
                const position = `${cell.id}-${j}`;
                return <OutputView key={position} output={o} />;
              })}
            </div>
          ) : null}
        </section>
      ))}
      {doc.cells.length === 0 ? <div className="muted">No cell: add one to write Python.</div> : null}
    </div>
  );
}

// Tracebacks come coloured for a terminal.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const stripAnsi = (s: string) => s.replace(ANSI, "");

function OutputView({ output }: { output: CellOutputDto }) {
  if (output.output_type === "stream")
    return (
      <pre
        className={`pynb-stream ${output.name === "stderr" ? "pynb-stderr" : ""}`}
        data-testid="output-stream"
      >
        {multiline(output.text)}
      </pre>
    );
  if (output.output_type === "error")
    return (
      <pre className="nb-error pynb-traceback" role="alert" data-testid="output-error">
        {output.traceback.length
          ? stripAnsi(output.traceback.join("\n"))
          : `${output.ename}: ${output.evalue}`}
      </pre>
    );
  const data = output.data;
  const png = data["image/png"];
  if (png)
    return (
      // biome-ignore lint/performance/noImgElement: a data: URL the kernel produced; next/image has nothing to optimise
      <img
        className="pynb-image"
        alt="Cell output"
        src={`data:image/png;base64,${multiline(png).trim()}`}
        data-testid="output-image"
      />
    );
  const html = data["text/html"];
  if (html) return <HtmlOutput html={multiline(html)} />;
  return (
    <pre className="pynb-stream" data-testid="output-text">
      {multiline(data["text/plain"])}
    </pre>
  );
}

/**
 * HTML a cell produced (a DataFrame's table) in a sandboxed frame: no script of it runs, so an
 * output someone else's code wrote cannot act in the studio as the person viewing it.
 */
function HtmlOutput({ html }: { html: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(60);
  const doc = `<!doctype html><html><head><style>
    body{margin:0;font:13px system-ui,sans-serif;color:#222}
    table{border-collapse:collapse;border:0}th,td{padding:4px 10px;border:0;border-bottom:1px solid #e3e3e3;text-align:right}
    thead th{border-bottom:1px solid #bbb}tbody th{text-align:left;color:#666}
  </style></head><body>${html}</body></html>`;
  return (
    <iframe
      ref={ref}
      className="pynb-html"
      title="Cell output"
      // Same origin only so the page can measure the frame's height; scripts stay off.
      sandbox="allow-same-origin"
      srcDoc={doc}
      style={{ height }}
      data-testid="output-html"
      onLoad={() => {
        const h = ref.current?.contentDocument?.documentElement.scrollHeight;
        if (h) setHeight(Math.min(h + 4, 600));
      }}
    />
  );
}
