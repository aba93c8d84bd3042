/** kubeconform's `-output json` report and its verdict: pure, unit tested on recorded reports. */
import type { GateResult } from './gate.js';
import { outputTail } from './gate.js';

/** One resource kubeconform did not find valid (the JSON output lists only those). */
export interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  /** The resource's apiVersion. */
  version: string;
  /** `statusInvalid`, `statusError`, `statusSkipped` or `statusEmpty`. */
  status: string;
  msg: string;
  validationErrors?: { path: string; msg: string }[];
}

/** kubeconform's JSON report (with `-summary`). */
export interface KubeconformReport {
  resources: KubeconformResource[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/** The statuses that fail the gate. */
const FAILING = new Set(['statusInvalid', 'statusError']);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses kubeconform's JSON report; throws when `json` is not one (e.g. an error message). */
export function parseKubeconformReport(json: string): KubeconformReport {
  const data: unknown = JSON.parse(json);
  if (!isRecord(data) || !Array.isArray(data.resources) || !isRecord(data.summary)) {
    throw new Error('not a kubeconform report (no "resources" and "summary")');
  }
  const s = data.summary;
  const count = (key: string): number => {
    const n = s[key];
    if (typeof n !== 'number') throw new Error(`not a kubeconform report (summary.${key})`);
    return n;
  };
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const resources = data.resources.filter(isRecord).map((r): KubeconformResource => ({
    filename: text(r.filename),
    kind: text(r.kind),
    name: text(r.name),
    version: text(r.version),
    status: text(r.status),
    msg: text(r.msg),
    validationErrors: Array.isArray(r.validationErrors)
      ? r.validationErrors.filter(isRecord).map((e) => ({ path: text(e.path), msg: text(e.msg) }))
      : undefined,
  }));
  return {
    resources,
    summary: {
      valid: count('valid'),
      invalid: count('invalid'),
      errors: count('errors'),
      skipped: count('skipped'),
    },
  };
}

/** The umbrella message jsonschema puts above the real errors. */
const UMBRELLA = 'validation failed';

/**
 * The precise errors of a resource, `<path>: <message>`: kubeconform's `validationErrors` often
 * hold only the umbrella `/spec: validation failed`, while `msg` lists every `- at '<path>': …`.
 * @example validationMessages(r) // ["/spec: additional properties 'replica' not allowed"]
 */
export function validationMessages(r: KubeconformResource): string[] {
  const fromMsg = [...r.msg.matchAll(/- at '([^']*)': (.*?)(?=\s+- at '|$)/gs)].map(
    ([, path, msg]) => ({ path: path ?? '', msg: (msg ?? '').trim() }),
  );
  for (const errors of [fromMsg, r.validationErrors ?? []]) {
    const precise = errors.filter((e) => e.msg !== UMBRELLA);
    if (precise.length > 0) return precise.map((e) => `${e.path || '/'}: ${e.msg}`);
  }
  return [r.msg];
}

/** `file` relative to where the manifests were mounted. */
function relative(file: string, root: string): string {
  return root !== '' && file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}

/**
 * One line for a resource that failed:
 * `<file>: <Kind> <name> (<apiVersion>): <error>; <error>`.
 */
export function resourceFinding(r: KubeconformResource, root = ''): string {
  const what = r.kind === '' ? '' : ` ${r.kind} ${r.name} (${r.version}):`;
  const errors = r.status === 'statusInvalid' ? validationMessages(r) : [r.msg];
  return `${relative(r.filename, root)}:${what} ${errors.join('; ')}`;
}

/**
 * The verdict over the report: it passes when no resource is invalid or in error, kubeconform
 * exited 0, and it validated at least one resource (an empty input must not pass unnoticed).
 * `root` is stripped from file names; `output` (stderr) explains an exit code the report does not.
 * Findings are sorted by file.
 */
export function gateKubeconform(
  report: KubeconformReport,
  o: { exitCode: number; root?: string; output?: string },
): GateResult {
  const name = 'kubeconform';
  const { valid, invalid, errors, skipped } = report.summary;
  const total = valid + invalid + errors + skipped;
  const findings = report.resources
    .filter((r) => FAILING.has(r.status))
    .map((r) => resourceFinding(r, o.root ?? ''))
    // kubeconform validates files concurrently: sorted, the same input gives the same findings.
    .sort();
  const skippedNote = skipped > 0 ? `, ${skipped} skipped` : '';
  if (invalid + errors > 0 || findings.length > 0) {
    const errorWord = errors === 1 ? 'error' : 'errors';
    return {
      name,
      passed: false,
      summary: `${invalid} invalid, ${errors} ${errorWord} of ${total} resources${skippedNote}`,
      findings,
    };
  }
  if (o.exitCode !== 0) {
    return {
      name,
      passed: false,
      summary: `exit code ${o.exitCode} with no invalid resource in the report`,
      findings: outputTail(o.output ?? '', 10),
    };
  }
  if (total === 0) {
    return {
      name,
      passed: false,
      summary: 'no Kubernetes resource in the manifests',
      findings: [],
    };
  }
  return { name, passed: true, summary: `${valid} resources valid${skippedNote}`, findings: [] };
}
