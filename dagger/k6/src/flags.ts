/**
 * Splits `KEY=VALUE` pairs (the value may contain `=` and be empty); throws on a malformed pair
 * so that a typo cannot silently drop a setting.
 * @example parseEnv(['BASE_URL=http://target:8080']) // [['BASE_URL', 'http://target:8080']]
 */
export function parseEnv(pairs: string[]): [string, string][] {
  return pairs.map((pair) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new Error(`env entries must be KEY=VALUE, not "${pair}"`);
    return [match[1] ?? '', match[2] ?? ''];
  });
}

/** Checks that `entry` is a relative path inside the script directory, e.g. `load/smoke.js`. */
export function checkEntry(entry: string): string {
  const parts = entry.split('/');
  if (entry === '' || entry.startsWith('/') || parts.some((p) => p === '..' || p === '')) {
    throw new Error(`entry must be a relative path inside the script directory, not "${entry}"`);
  }
  return entry;
}

/** Checks that `host` can name a service binding (a DNS label), e.g. `target` or `api`. */
export function checkHost(host: string): string {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(host)) {
    throw new Error(`targetHost must be a host name like "target", not "${host}"`);
  }
  return host;
}
