/**
 * Which models exist and which provider serves each: the offline `echo` model always, plus the
 * configured OpenAI models when an API key is set, narrowed to those the provider lists once its
 * model list has been checked (providers/model-check.ts). Backs GET /api/models and the chat
 * service.
 */
import { createEchoProvider } from './echo.js';
import { createOpenAIProvider } from './openai.js';
import type { Provider } from './types.js';

/** A model as GET /api/models lists it. */
export interface ModelInfo {
  id: string;
  provider: 'openai' | 'echo';
  label: string;
  offline: boolean;
}

export interface RegistryOptions {
  /** OpenAI model ids allowed (MODELS). Ignored without an API key. */
  models: string[];
  /** DEFAULT_MODEL; when unset: the first OpenAI model if a key is set, else "echo". */
  defaultModel?: string | undefined;
  openai?: { apiKey?: string | undefined; baseURL?: string | undefined; timeoutMs: number };
  echo?: { tokenDelayMs?: number };
  /** Replaces the provider built for a kind (tests, benchmarks). */
  overrides?: Partial<Record<ModelInfo['provider'], Provider>>;
}

export const ECHO_MODEL_ID = 'echo';

/** The models on offer and how to reach them. */
export interface ProviderRegistry {
  /** The models on offer now (MODELS narrowed by the provider's model list, then echo). */
  readonly models: readonly ModelInfo[];
  readonly defaultModel: string;
  /** MODELS as configured (deduplicated), whether or not the provider serves them; [] without a key. */
  readonly configuredModels: readonly string[];
  /** The OpenAI provider when a key (or an override) is set. */
  readonly openai: Provider | undefined;
  /**
   * Offers only the configured models in `available` (the provider's own list); undefined offers
   * every configured model again (the provider has no list). Returns the configured ids left out.
   */
  restrictTo(available: ReadonlySet<string> | undefined): string[];
  /** The provider for a model id, or undefined when the model is not offered. */
  resolve(modelId: string): { provider: Provider; model: ModelInfo } | undefined;
}

/** Builds the registry from configuration. */
export function createProviderRegistry(options: RegistryOptions): ProviderRegistry {
  const echo = options.overrides?.echo ?? createEchoProvider(options.echo);
  const apiKey = options.openai?.apiKey;
  const openai =
    options.overrides?.openai ??
    (apiKey
      ? createOpenAIProvider({
          apiKey,
          baseURL: options.openai?.baseURL,
          timeoutMs: options.openai?.timeoutMs ?? 60_000,
        })
      : undefined);
  const configured = openai
    ? [...new Set(options.models)].filter((id) => id !== ECHO_MODEL_ID)
    : [];
  const echoModel: ModelInfo = {
    id: ECHO_MODEL_ID,
    provider: 'echo',
    label: 'Echo (offline)',
    offline: true,
  };

  // Rebuilt as a whole on each restriction, so readers never see a half-updated list.
  const offer = (ids: readonly string[]) => {
    const models: ModelInfo[] = [
      ...ids.map((id): ModelInfo => ({ id, provider: 'openai', label: id, offline: false })),
      echoModel,
    ];
    const byId = new Map(models.map((m) => [m.id, m]));
    const fallback = models[0]?.id ?? ECHO_MODEL_ID;
    const defaultModel =
      options.defaultModel && byId.has(options.defaultModel) ? options.defaultModel : fallback;
    return { models, byId, defaultModel };
  };
  let current = offer(configured);

  return {
    get models() {
      return current.models;
    },
    get defaultModel() {
      return current.defaultModel;
    },
    configuredModels: configured,
    openai,
    restrictTo(available) {
      const missing = available ? configured.filter((id) => !available.has(id)) : [];
      current = offer(configured.filter((id) => !missing.includes(id)));
      return missing;
    },
    resolve(modelId) {
      const model = current.byId.get(modelId);
      if (!model) return undefined;
      const provider = model.provider === 'echo' ? echo : openai;
      return provider ? { provider, model } : undefined;
    },
  };
}
