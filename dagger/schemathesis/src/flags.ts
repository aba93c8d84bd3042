/** The arguments of one schemathesis run (see {@link stArgs}). */
export interface StOptions {
  schemaPath: string;
  port: number;
  maxExamples: number;
  includePath: string;
  excludePath: string;
  checks: string;
  /** Where the JUnit report goes. */
  junit: string;
}

/**
 * The `st run` arguments against the service bound as `target`; throws on values schemathesis
 * would misread, so a typo fails at once instead of testing something else.
 * @example stArgs({ schemaPath: '/openapi.json', port: 8080, ... })[0] // 'http://target:8080/openapi.json'
 */
export function stArgs(o: StOptions): string[] {
  if (!o.schemaPath.startsWith('/')) {
    throw new Error(`schemaPath must start with "/", not "${o.schemaPath}"`);
  }
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
    throw new Error(`port must be 1-65535, not ${o.port}`);
  }
  if (!Number.isInteger(o.maxExamples) || o.maxExamples < 1) {
    throw new Error(`maxExamples must be a positive integer, not ${o.maxExamples}`);
  }
  const checks = o.checks
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (checks.length === 0 || checks.some((c) => !/^[a-z_]+$/.test(c))) {
    throw new Error(`checks must be a comma-separated list of check names, not "${o.checks}"`);
  }
  const base = `http://target:${o.port}`;
  const args = [`${base}${o.schemaPath}`, '--url', base, '--wait-for-schema', '30'];
  args.push('--checks', checks.join(','), '--max-examples', String(o.maxExamples));
  if (o.includePath !== '') args.push('--include-path', o.includePath);
  if (o.excludePath !== '') args.push('--exclude-path', o.excludePath);
  args.push('--report', 'junit', '--report-junit-path', o.junit);
  return args;
}
