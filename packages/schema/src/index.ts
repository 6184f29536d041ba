export * from './admin.ts';
export * from './attribution-params.ts';
export * from './collect.ts';
export * from './events.ts';
export * from './json-value.ts';
export * from './limits.ts';
export * from './problem.ts';
export * from './utf8.ts';
