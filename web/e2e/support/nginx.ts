/**
 * Runs Debian's nginx with the production server block (web/nginx.conf + security-headers.inc)
 * serving web/dist, as the front-end image does. Only paths and the port are rewritten; an
 * optional `*.locations` file (the config's extension point) can proxy the API to a backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../../test/support/servers.js';
import { WEB, WEB_DIST } from './paths.js';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** Starts nginx on a free loopback port; `locations` is extra server-block config. */
export async function startNginx(locations = ''): Promise<Nginx> {
  if (!existsSync(NGINX)) {
    throw new Error(`nginx not found at ${NGINX}: install it (Debian: apt-get install nginx)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'aichat-nginx-'));
  const confd = join(dir, 'conf.d');
  await mkdir(confd);
  const port = await freePort();
  const server = (await readFile(join(WEB, 'nginx.conf'), 'utf8'))
    .replace('listen 8080;', `listen 127.0.0.1:${port};`)
    .replace('listen [::]:8080;', '')
    .replace('root /usr/share/nginx/html;', `root ${WEB_DIST};`)
    .replaceAll('/etc/nginx/conf.d/', `${confd}/`);
  await writeFile(join(confd, 'default.conf'), server);
  await writeFile(
    join(confd, 'security-headers.inc'),
    await readFile(join(WEB, 'security-headers.inc'), 'utf8'),
  );
  await writeFile(join(confd, 'proxy.locations'), locations);
  const asRoot = process.getuid?.() === 0;
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      asRoot ? 'user root;' : '',
      'daemon off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      '  access_log off;',
      `  client_body_temp_path ${dir}/body;`,
      `  proxy_temp_path ${dir}/proxy;`,
      `  fastcgi_temp_path ${dir}/fastcgi;`,
      `  uwsgi_temp_path ${dir}/uwsgi;`,
      `  scgi_temp_path ${dir}/scgi;`,
      `  include ${confd}/default.conf;`,
      '}',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await Promise.race([
      waitForPort(port, 10000),
      exited.then(() => {
        throw new Error(`nginx exited: ${stderr}`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
