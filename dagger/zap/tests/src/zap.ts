import { dag, type Directory, type File, type Service } from '@dagger.io/dagger';

/** The `zap` toolchain's result as the generated binding exposes it (fields become methods). */
export interface ZapResult {
  passed(): Promise<boolean>;
  summary(): Promise<string>;
  findings(): Promise<string[]>;
  reports(): Directory;
}

/** The `zap` toolchain's functions used here. */
export interface Zap {
  baseline(
    target: Service,
    opts?: { port?: number; path?: string; rules?: File; minutes?: number },
  ): ZapResult;
}

// The engine generates dag.zap() for this module; the host's @dagger.io/dagger does not have it.
export const zap = (): Zap => (dag as unknown as { zap(): Zap }).zap();
