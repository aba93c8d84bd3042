/**
 * The generic modules aichat installs as toolchains (dagger.json "toolchains": dagger/trivy,
 * dagger/kube-policy, dagger/zap as `owasp-zap`, dagger/schemathesis, dagger/k6), called in code.
 *
 * The engine's TypeScript runtime generates their clients into the `@dagger.io/dagger` it gives
 * the module (`dag.trivy()`, …); the npm package the host type-checks against has only the core
 * API. So the part aichat calls is declared here, and `.ci/engine/pipeline.sh` (module-bindings)
 * type-checks `dag` against these declarations with the generated clients (`dagger develop`):
 * a renamed or removed function, or a changed positional argument, fails there. (Options are
 * compared loosely: TypeScript checks method parameters bivariantly.)
 */
import {
  dag,
  type Container,
  type Directory,
  type File,
  type Secret,
  type Service,
} from '@dagger.io/dagger';
import type { StageResult } from './context.js';

/** A module's gate result: the verdict, one line of summary, the findings and the reports. */
export interface ToolResult {
  passed(): Promise<boolean>;
  summary(): Promise<string>;
  findings(): Promise<string[]>;
  reports(): Directory;
}

export interface Trivy {
  scanDirectory(
    source: Directory,
    opts?: {
      severity?: string;
      scanners?: string;
      offline?: boolean;
      skipDirs?: string[];
      ignoreFile?: File;
    },
  ): ToolResult;
  scanContainer(
    target: Container,
    opts?: { severity?: string; scanners?: string; offline?: boolean },
  ): ToolResult;
  sbom(target: Container): File;
}

export interface KubePolicy {
  validate(
    manifests: Directory,
    opts?: { kubernetesVersion?: string; schemas?: Directory; schemaLocation?: string },
  ): ToolResult;
  policy(manifests: Directory, policy: Directory): ToolResult;
}

export interface Zap {
  baseline(
    target: Service,
    opts?: { port?: number; path?: string; rules?: File; minutes?: number },
  ): ToolResult;
}

export interface Schemathesis {
  run(
    target: Service,
    opts?: {
      schemaPath?: string;
      port?: number;
      maxExamples?: number;
      authorization?: Secret;
      authScript?: File;
      includePath?: string;
      excludePath?: string;
      checks?: string;
    },
  ): ToolResult;
}

export interface K6 {
  run(
    script: Directory,
    entry: string,
    opts?: { target?: Service; targetHost?: string; env?: string[] },
  ): ToolResult;
}

/** The toolchains' constructors as the generated client has them on `dag`. */
export interface Toolchains {
  trivy(opts?: { image?: string }): Trivy;
  kubePolicy(opts?: { kubeconformImage?: string; conftestImage?: string }): KubePolicy;
  /** dagger/zap, installed as `owasp-zap`: aichat's own `zap` stage has the module's name. */
  owaspZap(opts?: { image?: string }): Zap;
  schemathesis(opts?: { image?: string }): Schemathesis;
  k6(opts?: { image?: string }): K6;
}

/** `dag` with the toolchains' clients (see the file's comment). */
export const toolchains = dag as unknown as Toolchains;

/** A module's result as a stage's: the gate under aichat's stage `name`, and the reports. */
export async function stageResult(name: string, result: ToolResult): Promise<StageResult> {
  const [passed, summary, findings] = await Promise.all([
    result.passed(),
    result.summary(),
    result.findings(),
  ]);
  return { gate: { name, passed, summary, findings }, reports: result.reports() };
}
