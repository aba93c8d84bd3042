/** The one error type, its mappings (HTTP JSON, WebSocket `error` frame) and the error middleware. */
export * from './types.js';
export { toErrorFrame, toErrorResponse, type ErrorResponse, type FrameIds } from './map.js';
export { errorMiddleware } from './middleware.js';
