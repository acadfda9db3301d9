export type { DemoNode } from './demo-node.js';
export { runStory } from './story.js';
