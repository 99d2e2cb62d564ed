// Public surface of the scheduler: a pure function from a CIB to a transition.
export { schedule } from "./schedule.js";
export type { Transition } from "./core/schedule.js";
export type { Change, Verb } from "./core/changes.js";
export type { GraphAction, TransitionGraph } from "./core/graph.js";
export { formatSummary, type FenceLine } from "./core/summary.js";
export { INFINITY, addScores, parseScore, formatScore, type Score } from "./core/score.js";
