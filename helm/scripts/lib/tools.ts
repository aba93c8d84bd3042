/**
 * Finds and runs the pinned Kubernetes tools (helm, kubeconform, conftest). A missing tool is an
 * error that names the install script: the checks never skip.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The tools the chart checks need (etcd and kube-apiserver for the server-side dry run). */
export type ToolName = 'helm' | 'kubeconform' | 'conftest' | 'etcd' | 'kube-apiserver';

/** PATH plus where scripts/install-k8s-tools.sh may have put the binaries. */
export function toolDirs(): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  if (process.env.K8S_TOOLS_BIN) dirs.unshift(process.env.K8S_TOOLS_BIN);
  dirs.push('/usr/local/bin');
  const gopath = process.env.GOPATH ?? join(process.env.HOME ?? '/root', 'go');
  dirs.push(join(gopath, 'bin'));
  return dirs;
}

/**
 * Absolute path of a tool in the first of `dirs` that has it; throws (never skips) otherwise.
 * @example findTool('helm', ['/usr/local/bin']) // '/usr/local/bin/helm'
 */
export function findTool(name: ToolName, dirs: string[]): string {
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${name} is not installed (looked in ${dirs.join(', ')}): run scripts/install-k8s-tools.sh`,
  );
}

const found = new Map<ToolName, string>();

/** Absolute path of a tool from PATH, $K8S_TOOLS_BIN, /usr/local/bin or $GOPATH/bin (cached). */
export function toolPath(name: ToolName): string {
  let path = found.get(name);
  if (!path) {
    path = findTool(name, toolDirs());
    found.set(name, path);
  }
  return path;
}

/** Outcome of one tool run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool with arguments, optionally feeding `input` on stdin; never throws on exit codes. */
export function runTool(
  name: ToolName,
  args: string[],
  options: { input?: string; cwd?: string } = {},
): Promise<RunResult> {
  const child = spawn(toolPath(name), args, {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // A tool may exit (e.g. on a render error) before reading all of its input: that EPIPE is
  // not a failure of ours, the exit code and stderr below report what went wrong.
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}
