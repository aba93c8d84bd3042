/** Builds the OpenAPI 3 document from the routes' own zod schemas. */
import { OpenApiGeneratorV3, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** The OpenAPI 3.0 document of every route added to the registry. */
export function buildOpenApiDocument(
  registry: OpenAPIRegistry,
): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'aichat API',
      version: '1.0.0',
      description:
        'REST API of aichat. Errors are {"error":{"code","message"}}; 429 answers carry ' +
        'Retry-After. Streaming chat runs over the /ws WebSocket (see app/PROTOCOL.md).',
    },
  });
}
