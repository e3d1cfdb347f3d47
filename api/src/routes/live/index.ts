// GET /api/ws: the live feed. The upgrade is refused (401/403/429) before any event can flow unless the
// token (in the subprotocol list, never the URL) is valid, the Origin is allowed and the user is under the
// connection cap. The protocol itself is api/src/live/ (session.ts); documented in docs/live-feed.md.
import websocket from '@fastify/websocket';
import { type LiveEndpointOptions, liveEndpoint } from '../../live/endpoint.ts';
import type { RoutePlugin } from '../types.ts';

const liveRoutes: RoutePlugin<LiveEndpointOptions> = async (app, options) => {
  const endpoint = liveEndpoint(app, options);
  await app.register(websocket, { options: endpoint.serverOptions, preClose: endpoint.closeAll });
  app.get('/ws', { websocket: true, preValidation: endpoint.admit, schema: { hide: true } }, endpoint.open);
  app.addHook('onClose', endpoint.stop);
};

export default liveRoutes;
