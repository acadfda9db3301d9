export { Mempool, type MempoolLimits } from './mempool.js';
