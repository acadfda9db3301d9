import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { openapiDocument } from '../openapi-document.js';

/** The OpenAPI document as JSON, and Swagger UI over it at /docs; neither needs a token. */
export function docsRoutes(app: FastifyInstance): void {
  const document = openapiDocument();
  app.get('/openapi.json', async () => document);
  void app.register(swagger, { mode: 'static', specification: { document: document as never } });
  void app.register(swaggerUi, { routePrefix: '/docs' });
}
