/** GET /api/models: the models on offer (from the provider registry) and the default. */
import { z } from 'zod';
import type { ApiRouter } from '../http/api-router.js';
import type { ProviderRegistry } from '../providers/registry.js';

export const ModelsSchema = z
  .object({
    models: z.array(
      z.object({
        id: z.string(),
        provider: z.enum(['openai', 'echo']),
        label: z.string(),
        offline: z.boolean(),
      }),
    ),
    default: z.string(),
  })
  .meta({ id: 'Models' });

/** Adds the models route. */
export function modelRoutes(api: ApiRouter, deps: { registry: ProviderRegistry }): void {
  api.add({
    method: 'get',
    path: '/api/models',
    tag: 'models',
    auth: true,
    summary: 'Models on offer; the echo model works offline',
    responses: { 200: { description: 'Models', schema: ModelsSchema } },
    handler(ctx) {
      ctx.body = { models: deps.registry.models, default: deps.registry.defaultModel };
    },
  });
}
