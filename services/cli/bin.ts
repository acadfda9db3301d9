#!/usr/bin/env node
// The polyfill must be evaluated before libp2p loads, so it is the first import and the
// rest of the CLI is loaded after it.
import '../common/polyfill.js';

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
