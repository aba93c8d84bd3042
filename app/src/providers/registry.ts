/**
 * Which models exist and which provider serves each: the offline `echo` model always, plus the
 * configured OpenAI models when an API key is set. Backs GET /api/models and the chat service.
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
  readonly models: readonly ModelInfo[];
  readonly defaultModel: string;
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
  const models: ModelInfo[] = [];
  if (openai) {
    for (const id of new Set(options.models)) {
      if (id !== ECHO_MODEL_ID) models.push({ id, provider: 'openai', label: id, offline: false });
    }
  }
  models.push({ id: ECHO_MODEL_ID, provider: 'echo', label: 'Echo (offline)', offline: true });
  const byId = new Map(models.map((m) => [m.id, m]));
  const fallback = models[0]?.id ?? ECHO_MODEL_ID;
  const defaultModel =
    options.defaultModel && byId.has(options.defaultModel) ? options.defaultModel : fallback;
  return {
    models,
    defaultModel,
    resolve(modelId) {
      const model = byId.get(modelId);
      if (!model) return undefined;
      const provider = model.provider === 'echo' ? echo : openai;
      return provider ? { provider, model } : undefined;
    },
  };
}
