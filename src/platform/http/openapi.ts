import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

type SecuritySchemes = Record<
  string,
  { type: 'http'; scheme: 'bearer' } | { type: 'apiKey'; in: 'header' | 'cookie'; name: string }
>;

/**
 * The OpenAPI 3.1 document generated from the route schemas, with the explorer at /docs. Shared
 * schemas keep their `$id` as their component name, so `Problem` reads as `Problem` in generated SDKs.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  document: { title: string; description: string; securitySchemes: SecuritySchemes },
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: document.title, version: '0.1.0', description: document.description },
      components: { securitySchemes: document.securitySchemes },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `schema${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
