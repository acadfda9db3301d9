/**
 * `npm run bench`: benchmarks that print numbers. Nothing here asserts a timing; run it on an idle
 * machine and read the figures.
 */
import { contractBenchmarks } from './contracts.js';
import { ledgerBenchmarks } from './ledger.js';
import { proofBenchmarks } from './proofs.js';

contractBenchmarks();
ledgerBenchmarks();
proofBenchmarks();
