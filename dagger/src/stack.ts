import type { Container, Service } from '@dagger.io/dagger';
import type { Pipeline } from './context.js';
import { backendImage, frontendImage } from './image.js';
import { withDataServices } from './services.js';

/**
 * Backend settings for pipeline runs against the stack: the echo model only (no API key, no
 * network), and per-user/per-IP rate limits raised because every request comes from one client.
 */
const STACK_ENV: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  DAILY_TOKEN_QUOTA: '1000000000',
  LOG_LEVEL: 'warn',
};

/** The backend image as a running service on port 8080, with PostgreSQL and Redis bound. */
export function backendService(p: Pipeline): Service {
  let container: Container = withDataServices(p, backendImage(p, 'pipeline'));
  for (const [name, value] of Object.entries(STACK_ENV)) {
    container = container.withEnvVariable(name, value);
  }
  return container.withExposedPort(8080).asService({ useEntrypoint: true });
}

/** The nginx frontend as a service on port 8080, with the backend bound as `backend`. */
export function frontendService(p: Pipeline): Service {
  return frontendImage(p, 'pipeline')
    .withServiceBinding('backend', backendService(p))
    .withExposedPort(8080)
    .asService({ useEntrypoint: true });
}
