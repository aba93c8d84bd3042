import { dag, type Container, type Service } from '@dagger.io/dagger';
import type { Pipeline } from './context.js';

/** Database name, user and alias of the PostgreSQL service (trust auth: no password to leak). */
export const POSTGRES_URL = 'postgres://aichat@postgres:5432/aichat';
/** Address of the Redis service. */
export const REDIS_URL = 'redis://redis:6379';

/**
 * Ephemeral PostgreSQL. The engine starts dependants only once port 5432 accepts connections,
 * and the image opens TCP only after initialisation, so no sleep is needed.
 */
export function postgres(p: Pipeline): Service {
  return dag
    .container()
    .from(p.images.postgres)
    .withEnvVariable('POSTGRES_USER', 'aichat')
    .withEnvVariable('POSTGRES_DB', 'aichat')
    .withEnvVariable('POSTGRES_HOST_AUTH_METHOD', 'trust')
    .withExposedPort(5432)
    .asService({ useEntrypoint: true });
}

/** Ephemeral Redis without persistence. */
export function redis(p: Pipeline): Service {
  return dag
    .container()
    .from(p.images.redis)
    .withExposedPort(6379)
    .asService({ args: ['redis-server', '--save', '', '--appendonly', 'no'], useEntrypoint: true });
}

/** Binds PostgreSQL and Redis (as `postgres` and `redis`) and points DATABASE_URL/REDIS_URL at them. */
export function withDataServices(p: Pipeline, container: Container): Container {
  return container
    .withServiceBinding('postgres', postgres(p))
    .withServiceBinding('redis', redis(p))
    .withEnvVariable('DATABASE_URL', POSTGRES_URL)
    .withEnvVariable('REDIS_URL', REDIS_URL);
}
