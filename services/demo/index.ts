export { type DemoNode, runStory } from './story.js';
