import { parseJunit } from './junit.js';
import type { GateResult } from './gate.js';

/** One failing operation of a schemathesis run, classified by what went wrong. */
export interface FuzzFailure {
  operation: string;
  kind: 'server-error' | 'schema-violation' | 'other';
  message: string;
}

/** What one or more schemathesis runs found: operations tested and their failures. */
export interface SchemathesisRun {
  operations: number;
  failures: FuzzFailure[];
}

/** schemathesis 4 failure codes (`st explain <code>`) that mean the server answered 5xx. */
const SERVER_ERROR_CODES = ['ST101', 'ST102', 'ST113'];
/** Codes of responses that contradict the schema (body, content type, GraphQL shape). */
const SCHEMA_CODES = ['ST104', 'ST108', 'ST109', 'ST110', 'ST111', 'ST114', 'ST115'];

/** An operation's name in schemathesis' reports: `METHOD /path`. */
const OPERATION = /^[A-Z]+ \//;

function classify(text: string): FuzzFailure['kind'] {
  const codes = new Set(text.match(/\bST\d{3}\b/g) ?? []);
  if (SERVER_ERROR_CODES.some((c) => codes.has(c)) || /server error/i.test(text)) {
    return 'server-error';
  }
  if (SCHEMA_CODES.some((c) => codes.has(c)) || /response violates schema/i.test(text)) {
    return 'schema-violation';
  }
  return 'other';
}

/** The finding's first line that says what failed (skipping "1. Test Case ID: …"). */
function headline(text: string): string {
  const lines = text.split('\n').map((l) => l.trim());
  return lines.find((l) => l.startsWith('- ')) ?? lines.find((l) => l !== '') ?? '';
}

/**
 * Parses the JUnit XML that `schemathesis run --report junit` writes: one test case per API
 * operation, with a `<failure>` per failed operation (its checks' codes in the message) and
 * `<error>` for operations it could not test.
 */
export function parseSchemathesisJunit(xml: string): SchemathesisRun {
  const cases = parseJunit(xml);
  // Besides one case per operation, schemathesis adds a "Stateful tests" case: its failures
  // count, but it is not an operation.
  const operations = cases.filter((c) => OPERATION.test(c.name)).length;
  const failures = cases.flatMap((c) =>
    c.problems.map((text) => ({
      operation: c.name,
      kind: classify(text),
      message: headline(text),
    })),
  );
  return { operations, failures };
}

/**
 * The operations that schemathesis' console output lists under its "Authentication failed"
 * warning: every request to them was answered 401/403, so they were never fuzzed past auth
 * (e.g. because the run's own token was revoked by a fuzzed logout).
 */
export function parseSchemathesisAuthWarning(output: string): string[] {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const start = lines.findIndex((l) => /^Authentication failed: \d+ operations?/.test(l.trim()));
  if (start < 0) return [];
  const operations: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const operation = /^\s*- ([A-Z]+ \/\S*)\s*$/.exec(line)?.[1];
    if (operation) operations.push(operation);
    // Blank lines, "401 Unauthorized (n operations)" headings and the tip belong to the block;
    // anything else is the next warning or the summary.
    else if (!/^\s*$|^40[13] |💡/.test(line)) break;
  }
  return operations;
}

/**
 * Fails on any 5xx response or schema violation, and when operations were never fuzzed past
 * authentication (`unauthenticated`, from {@link parseSchemathesisAuthWarning}): a run that
 * only saw 401s proves nothing about them. Other findings are reported but tolerated.
 */
export function gateSchemathesis(run: SchemathesisRun, unauthenticated: string[] = []): GateResult {
  const blocking = run.failures.filter((f) => f.kind !== 'other');
  const count = (kind: FuzzFailure['kind']): number =>
    run.failures.filter((f) => f.kind === kind).length;
  if (run.operations === 0) {
    return {
      name: 'schemathesis',
      passed: false,
      summary: 'no API operation was tested',
      findings: [],
    };
  }
  return {
    name: 'schemathesis',
    passed: blocking.length === 0 && unauthenticated.length === 0,
    summary:
      `${run.operations} operations: ${count('server-error')} server error(s), ` +
      `${count('schema-violation')} schema violation(s), ${count('other')} other finding(s), ` +
      `${unauthenticated.length} answered only 401/403`,
    findings: [
      ...blocking.map((f) => `${f.kind} ${f.operation}: ${f.message}`),
      ...unauthenticated.map((o) => `unauthenticated ${o}: only 401/403 answers, never fuzzed`),
    ],
  };
}
