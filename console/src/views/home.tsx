import { href } from '../route.js';

export function Home() {
  return (
    <section className="home">
      <h1>Find an object, event or block</h1>
      <p>
        Use the Search box above: an EPC URN (<code>urn:epc:id:sgtin:…</code>), a GS1 Digital Link (
        <code>https://id.gs1.org/01/…/21/…</code>), an element string (<code>(01)…(21)…</code> or{' '}
        <code>(01)…(10)lot</code>), a GTIN, an SSCC, an eventID, a block height or a transaction id. GS1 check
        digits are checked before anything is asked of the node.
      </p>
      <p>
        Every answer can be checked in this browser against a genesis file you hold: open an event and press
        Verify. The verifier is served by the node it checks; for an independent check use{' '}
        <code>waybill verify</code>.
      </p>
      <p>
        <a href={href(['network'])}>Network status, members, rejections and alerts</a>
      </p>
    </section>
  );
}
