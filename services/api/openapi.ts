import type { components, operations } from '../../api/openapi.generated.js';

/** Types generated from api/openapi.yaml (`npm run api:types`): the document is the contract. */
export type Schemas = components['schemas'];
export type Operations = operations;
