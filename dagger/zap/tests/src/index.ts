/**
 * Engine tests of the zap module: baseline scans of two small nginx sites built here, one
 * without security headers (must fail, naming the alerts) and one with them (must pass).
 */
import { check, dag, type File, func, object, type Service } from '@dagger.io/dagger';
import { zap, type ZapResult } from './zap.js';

/** Missing security headers fail; everything else keeps ZAP's default (only high risk fails). */
const RULES = [
  '10020\tFAIL\t(Missing Anti-clickjacking Header)',
  '10021\tFAIL\t(X-Content-Type-Options Header Missing)',
  '10038\tFAIL\t(Content Security Policy (CSP) Header Not Set)',
  '',
].join('\n');

/** The headers the rules above ask for; `always` puts them on error pages too (robots.txt 404). */
const SECURITY_HEADERS = `
    add_header X-Frame-Options DENY always;
    add_header X-Content-Type-Options nosniff always;
    add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'; form-action 'self'" always;`;

const INDEX = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>zap test</title></head>
<body><h1>zap test</h1><a href="/about.html">about</a></body></html>
`;
const ABOUT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>about</title></head>
<body><p>A static page for the spider.</p><a href="/">home</a></body></html>
`;

/** The verdict of one scan: passed, summary and findings as one text, and the findings. */
async function verdict(
  result: ZapResult,
): Promise<{ passed: boolean; text: string; findings: string[] }> {
  const [passed, summary, findings] = await Promise.all([
    result.passed(),
    result.summary(),
    result.findings(),
  ]);
  return { passed, text: [summary, ...findings].join('\n'), findings };
}

@object()
export class ZapTests {
  nginxImage: string;

  /**
   * @param nginxImage An unprivileged nginx image (listens on 8080, includes
   *   /etc/nginx/conf.d/*.conf, serves /usr/share/nginx/html).
   */
  constructor(
    nginxImage = 'docker.io/nginxinc/nginx-unprivileged:1.30.0@sha256:14672dc5c195f06cf0ee4abe71a0a3bea8d7591fb7aad9225f0a8fead7a790ae',
  ) {
    this.nginxImage = nginxImage;
  }

  /** A two-page static site on port 8080, with or without the security headers. */
  @func()
  site(headers = false): Service {
    const conf = `server {
  listen 8080;
  server_name localhost;
  location / {
    root /usr/share/nginx/html;
    index index.html;${headers ? SECURITY_HEADERS : ''}
  }
}
`;
    return dag
      .container()
      .from(this.nginxImage)
      .withNewFile('/etc/nginx/conf.d/default.conf', conf)
      .withNewFile('/usr/share/nginx/html/index.html', INDEX)
      .withNewFile('/usr/share/nginx/html/about.html', ABOUT)
      .withExposedPort(8080)
      .asService({ useEntrypoint: true });
  }

  /** Without security headers the scan fails, naming each missing header's alert. */
  @func()
  @check()
  async failsWithoutSecurityHeaders(): Promise<void> {
    const { passed, text, findings } = await verdict(
      zap().baseline(this.site(false), { rules: rulesFile(), minutes: 1 }),
    );
    if (passed) throw new Error(`expected the scan to fail, it passed: ${text}`);
    for (const id of ['10020', '10021', '10038']) {
      if (!findings.some((f) => f.startsWith(`[${id}]`))) {
        throw new Error(`expected a FAIL finding for alert ${id}, got:\n${text}`);
      }
    }
  }

  /** With the headers, the same rules pass (what remains are warnings). */
  @func()
  @check()
  async passesWithSecurityHeaders(): Promise<void> {
    const { passed, text } = await verdict(
      zap().baseline(this.site(true), { rules: rulesFile(), minutes: 1 }),
    );
    if (!passed) throw new Error(`expected the scan to pass, it failed: ${text}`);
  }
}

function rulesFile(): File {
  return dag.directory().withNewFile('rules.tsv', RULES).file('rules.tsv');
}
