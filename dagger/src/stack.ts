import type { Container, Service } from '@dagger.io/dagger';
import type { Pipeline } from './context.js';
import { backendImage, frontendImage, NGINX_CONF_D } from './image.js';
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

/**
 * nginx locations that make the frontend serve the whole app on one origin: the API, the
 * WebSocket and the health endpoints go to the backend bound as `backend`.
 */
export const BACKEND_LOCATIONS = `
location /api/ {
    proxy_pass http://backend:8080;
    # $http_host keeps the port: the backend compares Origin with it (cross-site write check).
    proxy_set_header Host $http_host;
}
location = /ws {
    proxy_pass http://backend:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $http_host;
    proxy_read_timeout 1h;
}
location ~ ^/(health|ready|metrics)$ {
    proxy_pass http://backend:8080;
}
`;

/**
 * The whole stack behind the nginx frontend on port 8080: UI from nginx, API and WebSocket
 * proxied to the backend service (with PostgreSQL and Redis).
 */
export function frontendService(p: Pipeline): Service {
  return frontendImage(p, 'pipeline')
    .withNewFile(`${NGINX_CONF_D}/backend.locations`, BACKEND_LOCATIONS)
    .withServiceBinding('backend', backendService(p))
    .withExposedPort(8080)
    .asService({ useEntrypoint: true });
}
