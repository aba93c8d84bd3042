/**
 * MODELS checked against the provider's own model list (GET /v1/models), so a typo or a model the
 * provider dropped shows up in the log at start-up instead of as a failed chat (issue #14). Models
 * the provider lacks are left out of /api/models; the server keeps running. A provider without a
 * list (404), or one that cannot be read, leaves MODELS as they were.
 */
import type { Logger } from '../logger.js';
import { ProviderError } from './errors.js';
import type { ProviderRegistry } from './registry.js';

/**
 * Outcome of the last check: every configured model listed (`ok`), some left out (`missing`),
 * the provider has no usable list (`unlisted`), the list could not be read (`error`), no check
 * finished yet (`pending`), nothing to check (`disabled`: no API key or no MODELS).
 */
export const MODEL_CHECK_STATES = [
  'ok',
  'missing',
  'unlisted',
  'error',
  'pending',
  'disabled',
] as const;
export type ModelCheckState = (typeof MODEL_CHECK_STATES)[number];

/** The model list check of one registry. */
export interface ModelCheck {
  /** Outcome of the last finished check. */
  readonly state: ModelCheckState;
  /**
   * Checks now, unless a check finished less than `maxAgeMs` ago (then answers its outcome);
   * concurrent calls share one request. Never rejects.
   */
  refresh(): Promise<ModelCheckState>;
}

export interface ModelCheckOptions {
  registry: ProviderRegistry;
  logger: Logger;
  /** Deadline of one GET /v1/models. */
  timeoutMs: number;
  /** How long an outcome stays fresh: /ready is probed often, the list changes rarely. */
  maxAgeMs?: number;
}

/**
 * Creates the check; call `refresh()` at start-up and from /ready.
 * @example const check = createModelCheck({ registry, logger, timeoutMs: 5000 }); await check.refresh();
 */
export function createModelCheck(options: ModelCheckOptions): ModelCheck {
  const { registry, logger, timeoutMs } = options;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const provider = registry.openai;
  const list = provider?.listModels?.bind(provider);
  const enabled = list !== undefined && registry.configuredModels.length > 0;
  let state: ModelCheckState = enabled ? 'pending' : 'disabled';
  let checkedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<ModelCheckState> | undefined;
  // Logged again only when what is missing changes, not on every /ready.
  let lastMissing: string | undefined;

  const offered = () => ({
    offered: registry.models.map((m) => m.id),
    default: registry.defaultModel,
  });

  const run = async (): Promise<ModelCheckState> => {
    if (!list) return 'disabled';
    const signal = AbortSignal.timeout(timeoutMs);
    let ids: string[] | undefined;
    try {
      ids = await list(signal);
    } catch (err) {
      // A ProviderError's message is safe to log (the raw upstream text may echo the key).
      const code = err instanceof ProviderError ? err.code : 'internal_error';
      const reason = signal.aborted
        ? `no answer within ${timeoutMs} ms`
        : err instanceof ProviderError
          ? err.message
          : 'unexpected failure';
      logger.warn(
        { code, reason, ...offered() },
        'could not read the model provider model list; MODELS kept as they were',
      );
      return 'error';
    }
    // An empty list is treated like none: some gateways route any model yet list nothing.
    if (!ids || ids.length === 0) {
      registry.restrictTo(undefined);
      if (state !== 'unlisted') {
        logger.info(
          offered(),
          'the model provider serves no model list; MODELS offered as configured',
        );
      }
      lastMissing = undefined;
      return 'unlisted';
    }
    const missing = registry.restrictTo(new Set(ids));
    const key = missing.join(',');
    if (missing.length > 0 && key !== lastMissing) {
      logger.warn(
        { missing, ...offered() },
        'MODELS names models the provider does not serve; they are left out of /api/models',
      );
    } else if (missing.length === 0 && lastMissing) {
      logger.info(offered(), 'the model provider serves every model in MODELS again');
    }
    lastMissing = key;
    return missing.length > 0 ? 'missing' : 'ok';
  };

  return {
    get state() {
      return state;
    },
    refresh() {
      if (!enabled) return Promise.resolve(state);
      if (inFlight) return inFlight;
      if (Date.now() - checkedAt < maxAgeMs) return Promise.resolve(state);
      inFlight = run()
        .catch((): ModelCheckState => 'error')
        .then((outcome) => {
          state = outcome;
          checkedAt = Date.now();
          inFlight = undefined;
          return outcome;
        });
      return inFlight;
    },
  };
}
