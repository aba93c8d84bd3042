/** GET /api/openapi.json. */
import type { ApiRouter } from '../http/api-router.js';
import { buildOpenApiDocument } from './document.js';

/**
 * Adds /api/openapi.json. Register it last: the document is built on first request from every
 * route added before, itself included.
 */
export function openApiRoutes(api: ApiRouter): void {
  let doc: unknown;
  api.add({
    method: 'get',
    path: '/api/openapi.json',
    tag: 'operations',
    summary: 'This OpenAPI 3 document',
    responses: { 200: { description: 'OpenAPI 3.0 document' } },
    handler(ctx) {
      doc ??= buildOpenApiDocument(api.registry);
      ctx.body = doc;
    },
  });
}
