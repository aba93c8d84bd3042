/**
 * A real, throwaway Kubernetes control plane for server-side dry runs: etcd and kube-apiserver
 * built from the Go module proxy by scripts/install-k8s-tools.sh. No controllers, no nodes: the
 * API server alone validates objects (schemas, strict field validation, CRD schemas, admission
 * such as Pod Security) exactly as a cluster would, and `dryRun=All` persists nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../../test/support/servers.js';
import { findTool, toolDirs } from '../../scripts/lib/tools.js';
import type { Manifest } from '../../scripts/lib/chart.js';

/** One API response: status, parsed body and the Warning headers (e.g. Pod Security). */
export interface ApiResponse {
  status: number;
  body: { message?: string; [key: string]: unknown };
  warnings: string[];
}

/** A running control plane. */
export interface ControlPlane {
  url: string;
  /** Calls the API with the run's bearer token. */
  call(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** Starts etcd and kube-apiserver on free loopback ports; throws with their logs on failure. */
export async function startControlPlane(): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'aichat-apiserver-'));
  const [etcdPort, peerPort, apiPort] = await freePorts(3);
  const logs: string[] = [];
  const children: ChildProcess[] = [];
  const launch = (path: string, args: string[]): ChildProcess => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      logs.push(chunk.toString('utf8'));
      if (logs.length > 200) logs.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    children.push(child);
    return child;
  };
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.reverse().map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            // A throwaway server need not drain for the API server's 30 s default.
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  const dirs = toolDirs();
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  launch(findTool('etcd', dirs), [
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--log-level=warn',
  ]);

  // The service-account token signer the API server insists on, generated per run.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  // A per-run bearer token: AlwaysAllow authorizes it (anonymous requests are refused under
  // AlwaysAllow, so the token is what lets this test in).
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},aichat-test,aichat-test,"system:masters"\n`);
  const apiserver = launch(findTool('kube-apiserver', dirs), [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'certs')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=AlwaysAllow',
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    // No controller-manager creates ServiceAccounts, so that admission step could never pass.
    '--disable-admission-plugins=ServiceAccount',
  ]);

  const url = `https://127.0.0.1:${apiPort}`;
  const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${url}${path}`,
        {
          method,
          // The serving certificate is self-signed by this throwaway API server.
          rejectUnauthorized: false,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: ApiResponse['body'];
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = { message: text };
            }
            const warning = res.headers.warning;
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              warnings: warning ? (Array.isArray(warning) ? warning : [warning]) : [],
            });
          });
        },
      );
      // A request the API server never answers must fail the test, not hang it.
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      req.on('error', reject);
      req.end(payload);
    });

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (apiserver.exitCode !== null) break;
    try {
      if ((await call('GET', '/readyz')).status === 200) return { url, call, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`kube-apiserver did not become ready:\n${logs.join('').slice(-4000)}`);
}

/** REST paths of every served kind, from API discovery: "group/version Kind" → plural + scope. */
export async function discover(
  plane: ControlPlane,
): Promise<Map<string, { plural: string; namespaced: boolean }>> {
  const groupVersions = ['v1'];
  const groups = await plane.call('GET', '/apis');
  for (const group of (groups.body.groups ?? []) as { versions: { groupVersion: string }[] }[]) {
    for (const v of group.versions) groupVersions.push(v.groupVersion);
  }
  const kinds = new Map<string, { plural: string; namespaced: boolean }>();
  for (const gv of groupVersions) {
    const list = await plane.call('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    for (const r of (list.body.resources ?? []) as {
      name: string;
      kind: string;
      namespaced: boolean;
    }[]) {
      if (!r.name.includes('/'))
        kinds.set(`${gv} ${r.kind}`, { plural: r.name, namespaced: r.namespaced });
    }
  }
  return kinds;
}

/** The collection path of a manifest (`/apis/apps/v1/namespaces/aichat/deployments`). */
export function collectionPath(
  manifest: Manifest,
  kinds: Map<string, { plural: string; namespaced: boolean }>,
  namespace: string,
): string {
  const kind = kinds.get(`${manifest.apiVersion} ${manifest.kind}`);
  if (!kind)
    throw new Error(`the API server does not serve ${manifest.apiVersion} ${manifest.kind}`);
  const base = manifest.apiVersion === 'v1' ? '/api/v1' : `/apis/${manifest.apiVersion}`;
  return kind.namespaced
    ? `${base}/namespaces/${namespace}/${kind.plural}`
    : `${base}/${kind.plural}`;
}
