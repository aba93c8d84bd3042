/**
 * The object graph: stores, services and shared resources, built once from the configuration
 * and handed to `buildApp`. Tests build it the same way with their own database and Redis.
 */
import { AuthService } from './auth/service.js';
import { SessionStore } from './auth/session-store.js';
import type { Config } from './config/index.js';
import { ConversationStore } from './conversations/store.js';
import type { Knex } from './db/index.js';
import { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import { MessageStore } from './messages/store.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { createModelCheck, type ModelCheck } from './providers/model-check.js';
import { createProviderRegistry, type ProviderRegistry } from './providers/registry.js';
import { createMemoryPubSub } from './pubsub/memory.js';
import type { PubSub } from './pubsub/types.js';
import { RateLimits } from './ratelimit/limiter.js';
import { QuotaService } from './ratelimit/quota-service.js';
import { TokenUsageStore } from './ratelimit/usage-store.js';
import type { RedisClientType } from './redis.js';
import { UserStore } from './users/store.js';

/** Everything the HTTP app (and the chat/WebSocket layer) needs. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Knex;
  /** Undefined when REDIS_URL is unset. */
  redis: RedisClientType | undefined;
  metrics: Metrics;
  providers: ProviderRegistry;
  /** MODELS checked against the provider's model list (start-up and /ready). */
  modelCheck: ModelCheck;
  /** Fan-out between replicas: Redis pub/sub with REDIS_URL, in-process otherwise. */
  pubsub: PubSub;
  users: UserStore;
  sessions: SessionStore;
  conversations: ConversationStore;
  messages: MessageStore;
  auth: AuthService;
  limits: RateLimits;
  quota: QuotaService;
  lifecycle: Lifecycle;
}

/** Inputs of `createDeps`; the optional ones default from the configuration. */
export interface DepsInput {
  config: Config;
  logger: Logger;
  db: Knex;
  redis?: RedisClientType | undefined;
  metrics?: Metrics;
  providers?: ProviderRegistry;
  pubsub?: PubSub;
  /** Prefix of rate-limit keys in Redis (parallel tests sharing one Redis). */
  rateLimitPrefix?: string;
  /** How long a model list check stays fresh (default one minute; tests use 0). */
  modelCheckMaxAgeMs?: number;
}

/** Longest wait for the provider's model list (it must not hold up start-up or /ready long). */
const MODEL_CHECK_TIMEOUT_MS = 10_000;

/**
 * Builds the stores and services around a database (and optional Redis).
 * @example const deps = createDeps({ config, logger, db, redis }); const app = buildApp(deps);
 */
export function createDeps(input: DepsInput): AppDeps {
  const { config, logger, db } = input;
  const users = new UserStore(db);
  const sessions = new SessionStore(db);
  const providers =
    input.providers ??
    createProviderRegistry({
      models: config.models,
      defaultModel: config.defaultModel,
      openai: {
        apiKey: config.openai.apiKey,
        baseURL: config.openai.baseUrl,
        timeoutMs: config.openai.timeoutMs,
      },
      echo: { tokenDelayMs: config.echoTokenDelayMs },
    });
  return {
    config,
    logger,
    db,
    redis: input.redis,
    metrics: input.metrics ?? createMetrics(),
    providers,
    modelCheck: createModelCheck({
      registry: providers,
      logger,
      timeoutMs: Math.min(config.openai.timeoutMs, MODEL_CHECK_TIMEOUT_MS),
      maxAgeMs: input.modelCheckMaxAgeMs,
    }),
    pubsub: input.pubsub ?? createMemoryPubSub(),
    users,
    sessions,
    conversations: new ConversationStore(db),
    messages: new MessageStore(db),
    auth: new AuthService(users, sessions, config.sessionTtlHours * 3600 * 1000),
    limits: new RateLimits(
      {
        ...config.rateLimit,
        ...(input.rateLimitPrefix ? { keyPrefix: input.rateLimitPrefix } : {}),
      },
      input.redis,
    ),
    quota: new QuotaService(new TokenUsageStore(db), config.dailyTokenQuota),
    lifecycle: new Lifecycle(logger),
  };
}
