import { RejectCode } from '../../execution/index.js';
import type { Schemas } from '../openapi.js';
import type { CaptureJob } from '../types.js';

/**
 * A capture job as the EPCIS 2.0 REST binding shows it: each error a problem item with GS1's
 * `type` and a `title` (and `detail`), beside Waybill's stable reason `code`, `message` and the
 * `eventID`. A repeated eventID is GS1's ResourceAlreadyExistsException; every other rejection
 * (custody rules, rolled back with the document, error declarations) a ValidationException.
 */
export function presentJob(job: CaptureJob): Schemas['CaptureJob'] {
  return {
    ...job,
    errors: job.errors.map((e) => {
      const duplicate = e.code === RejectCode.DuplicateEventId;
      return {
        type: duplicate
          ? 'epcisException:ResourceAlreadyExistsException'
          : 'epcisException:ValidationException',
        title: duplicate ? 'Event already exists' : 'Event rejected',
        detail: e.message,
        ...e,
      };
    }),
  };
}
