import { parseJunit } from './junit.js';
import type { GateResult } from './gate.js';

/** One failing operation of a schemathesis run, classified by what went wrong. */
export interface FuzzFailure {
  operation: string;
  kind: 'server-error' | 'schema-violation' | 'other';
  message: string;
}

/** schemathesis 4 failure codes (`st explain <code>`) that mean the server answered 5xx. */
const SERVER_ERROR_CODES = ['ST101', 'ST102', 'ST113'];
/** Codes of responses that contradict the schema (body, content type, GraphQL shape). */
const SCHEMA_CODES = ['ST104', 'ST108', 'ST109', 'ST110', 'ST111', 'ST114', 'ST115'];

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
export function parseSchemathesisJunit(xml: string): {
  operations: number;
  failures: FuzzFailure[];
} {
  const cases = parseJunit(xml);
  const failures = cases.flatMap((c) =>
    c.problems.map((text) => ({
      operation: c.name,
      kind: classify(text),
      message: headline(text),
    })),
  );
  return { operations: cases.length, failures };
}

/** Fails on any 5xx response or schema violation; other findings are reported but tolerated. */
export function gateSchemathesis(run: { operations: number; failures: FuzzFailure[] }): GateResult {
  const blocking = run.failures.filter((f) => f.kind !== 'other');
  const count = (kind: FuzzFailure['kind']): number =>
    run.failures.filter((f) => f.kind === kind).length;
  if (run.operations === 0) {
    return {
      name: 'fuzz-api',
      passed: false,
      summary: 'no API operation was tested',
      findings: [],
    };
  }
  return {
    name: 'fuzz-api',
    passed: blocking.length === 0,
    summary:
      `${run.operations} operations: ${count('server-error')} server error(s), ` +
      `${count('schema-violation')} schema violation(s), ${count('other')} other finding(s)`,
    findings: blocking.map((f) => `${f.kind} ${f.operation}: ${f.message}`),
  };
}
