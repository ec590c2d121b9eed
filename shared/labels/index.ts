// The label engine's pure half: usable from the renderer (no Node, no DOM, no XML).
export * from './model';
export * from './reasons';
export { viewOf, lookupCategory, categoryKey, refKey, type PolicyView, type CategoryInfo, type ClassInfo, type TagInfo } from './policy-view';
export { validateLabel, describeCategory, describeClass, requirementMet } from './validate';
export { renderLabelMarking, renderClearanceMarking, type MarkingOptions } from './marking-render';
export { parseLabelMarking, parseClearanceMarking, type ParseOptions } from './marking-parse';
export { decide, mayAccess } from './acdf';
export * from './acdf-compiled';
export { dominates, leastUpperBound } from './lattice';
export { mapLabel, type MapResult, type MapFailure, type Direction } from './equivalence';
export * from './canonical-json';
