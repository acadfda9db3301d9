/**
 * Webhook subscriptions to named queries (EPCIS 2.0 REST binding, `stream: true` or a query
 * `schedule`): the delivery worker, the query schedule, the GS1-Signature scheme and the webhook client. The table is in storage/subscriptions.ts.
 */
export { FIRST_RETRY_MS, MAX_RETRY_MS, retryDelay } from './backoff.js';
export {
  DestPolicy,
  type DestPolicyOptions,
  destNotAllowed,
  type ResolveAll,
  resolveAll,
} from './dest-policy.js';
export {
  type CompiledSchedule,
  compileSchedule,
  nextRun,
  type QuerySchedule,
  SCHEDULE_FIELDS,
  type ScheduleField,
} from './schedule.js';
export { SecretBox, sealPlainSecrets } from './secret-box.js';
export { SIGNATURE_HEADER, SUBSCRIPTION_ID_HEADER, signatureOf, verifySignature } from './signature.js';
export { destProblem, guardedPost, type WebhookPost, type WebhookResponse } from './webhook.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_TIMEOUT_MS,
  type DeliveryOutcome,
  DeliveryWorker,
  type DeliveryWorkerDeps,
} from './worker.js';
