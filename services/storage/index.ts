export { type StoredRejection, type StoredTx, Store, type StoreIdentity } from './store.js';
