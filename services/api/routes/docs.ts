import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { openapiDocument } from '../openapi-document.js';

/**
 * The document with this node's own address as its server, as the client reached it, so Swagger
 * UI's "Try it out" calls the node that served the page (not the document's localhost example).
 */
function forThisNode(document: Record<string, unknown>, request: FastifyRequest): Record<string, unknown> {
  return {
    ...document,
    servers: [{ url: `${request.protocol}://${request.host}`, description: 'This node' }],
  };
}

/** The OpenAPI document as JSON, and Swagger UI over it at /docs; neither needs a token. */
export function docsRoutes(app: FastifyInstance): void {
  const document = openapiDocument();
  app.get('/openapi.json', async (request) => forThisNode(document, request));
  void app.register(swagger, { mode: 'static', specification: { document: document as never } });
  void app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: (spec, request) => forThisNode(spec as Record<string, unknown>, request) as never,
  });
}
