import { DomainError } from '../common/index.js';

/**
 * Why a webhook delivery failed before any HTTP answer. Never sent to an API client: the worker
 * records it as the subscription's last failure and retries with backoff (worker.ts).
 */
export const DeliveryErrorCode = {
  /** The destination's host name resolved to no address the policy allows. */
  NoAddress: 'DELIVERY_NO_ADDRESS',
} as const;
export type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

export class DeliveryError extends DomainError<DeliveryErrorCode, { host: string }> {}
