import type { Directory } from '@dagger.io/dagger';
import { enforceGate, type GateResult } from './gates/gate.js';
import type { Images } from './images.js';

/** What every stage receives: the repository source and the images to run it with. */
export interface Pipeline {
  /** The repository root, already filtered by {@link SOURCE_IGNORE}. */
  source: Directory;
  /** Images after constructor overrides. */
  images: Images;
}

/**
 * Paths never sent to the engine: build output, dependencies and local state. Defined once and
 * used by the constructor's `@argument({ ignore })` so every function sees the same source.
 */
export const SOURCE_IGNORE = [
  '**/node_modules',
  '**/dist',
  '**/coverage',
  '**/reports',
  '**/.nyc_output',
  '**/test-results',
  '**/*.log',
  '.git',
  '.ci/cache',
  'data',
  '.env',
  '.dagger',
  'dagger/sdk',
];

/** The outcome of a stage: its gate and the reports it produced. */
export interface StageResult {
  gate: GateResult;
  reports: Directory;
}

/**
 * A report-returning function's result: the reports, after failing on the gate unless the caller
 * asked for the reports whatever the gate (`--fail-on-gate=false`).
 */
export function gatedReports(result: StageResult, failOnGate: boolean): Directory {
  if (failOnGate) enforceGate(result.gate);
  return result.reports;
}
