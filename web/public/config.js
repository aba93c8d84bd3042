/* global window */
// Runtime configuration, replaced per environment (e.g. a Kubernetes ConfigMap mounted over it).
// Empty values mean "same origin as the page": REST at /api, WebSocket at /ws.
window.AICHAT_CONFIG = {
  apiUrl: '',
  wsUrl: '',
};
