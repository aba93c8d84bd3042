import { dag, type Container, type Directory, type File } from '@dagger.io/dagger';

/** The generated binding's shape of a {@link Trivy} result (fields are methods). */
export interface TrivyResult {
  passed(): Promise<boolean>;
  summary(): Promise<string>;
  findings(): Promise<string[]>;
  reports(): Directory;
}

/** What these tests use of the trivy module's binding. */
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
  ): TrivyResult;
  scanContainer(
    target: Container,
    opts?: { severity?: string; scanners?: string; offline?: boolean },
  ): TrivyResult;
  sbom(target: Container): File;
  check(opts?: {
    source?: Directory;
    severity?: string;
    scanners?: string;
    offline?: boolean;
    skipDirs?: string[];
    ignoreFile?: File;
  }): Promise<void>;
}

/**
 * `dag.trivy()`: the engine's runtime generates it for this module (from dagger.json's toolchain);
 * the host's @dagger.io/dagger package lacks it, so its shape is declared here.
 */
export const trivy = (): Trivy => (dag as unknown as { trivy(): Trivy }).trivy();
