export { type StartOptions, startNode, type WaybillNode } from './node.js';
