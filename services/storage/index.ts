export { Store, type StoredRejection, type StoredTx, type StoreIdentity } from './store.js';
