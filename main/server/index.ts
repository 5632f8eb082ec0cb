// Browser mode: the built renderer and the contract over a WebSocket. See server.ts.
export {
  startServer,
  generateToken,
  isLoopbackHost,
  ServerConfigError,
  CONTENT_SECURITY_POLICY,
  MIN_TOKEN_LENGTH,
  type ServerOptions,
  type RunningServer,
} from './server.ts';
export { StaticRootError } from './static.ts';
