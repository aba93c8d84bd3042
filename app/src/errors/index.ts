/** Typed errors and the one middleware that maps every error to a JSON answer. */
export * from './types.js';
export { toErrorResponse, type ErrorResponse } from './map.js';
export { errorMiddleware } from './middleware.js';
